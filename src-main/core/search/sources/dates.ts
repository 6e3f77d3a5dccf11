import type { QueryDate } from '../../api/contract.ts';
import type { LibraryStore } from '../../store/library-store.ts';
import { filterSql, type SqlFilter } from '../filters.ts';
import type { QueryPart, SourceAnswer } from './source.ts';

/** Month and day of `taken_local`, which holds the clock where the photo was taken as if it were UTC (media/date-taken.ts). */
const LOCAL_MONTH = "CAST(strftime('%m', p.taken_local / 1000, 'unixepoch') AS INTEGER)";
const LOCAL_DAY = "CAST(strftime('%d', p.taken_local / 1000, 'unixepoch') AS INTEGER)";

/** The photos of a date named among the free words, as SQL over `photos p`. */
function dateSql(date: QueryDate): SqlFilter {
  if (date.kind === 'period') return filterSql({ after: date.from, before: date.to })!;
  if (date.day === null) return { where: `${LOCAL_MONTH} = ?`, params: [date.month] };
  return { where: `${LOCAL_MONTH} = ? AND ${LOCAL_DAY} = ?`, params: [date.month, date.day] };
}

/**
 * Photos taken on a date named among the free words: a period ("2019", "June
 * 2021") means the same calendar days a date filter keeps; a month or day without
 * a year ("June", "1 June") means it in any year. All equally good (one rank).
 */
export function dateAnswer(store: LibraryStore, part: QueryPart, date: QueryDate, filter: SqlFilter | null): SourceAnswer {
  const own = dateSql(date);
  const where = [own.where, filter?.where].filter(Boolean).join(' AND ');
  const ids = store.db
    .prepare(`SELECT p.id FROM photos p WHERE ${where} ORDER BY p.id`)
    .pluck()
    .all(...own.params, ...(filter?.params ?? [])) as number[];
  return { part: part.key, hits: ids.map((id) => ({ id, score: 1, match: true, reason: { source: 'date', text: `taken ${date.text}` } })) };
}
