import { formatPart, parseQuery, type QueryPart, type SortOrder } from '../../../src-main/core/search/query-language.ts';
import {
  DEFAULT_IMAGE_SHARE,
  buildRequest,
  composeQuery,
  isListing,
  mixesImagesAndWords,
  problemsOf,
  splitTyped,
  type Chip,
  type ExampleChip,
  type PartChip,
  type SearchRequest,
  type ShownProblem,
  unique,
  withCounterExamples,
} from '../query/query-chips.ts';

/** One operator's chip, written from a control (sort, date, folder and type pickers) rather than typed. */
type ControlledKind = Extract<QueryPart['kind'], 'sort' | 'after' | 'before' | 'folder' | 'type'>;

/**
 * What the user is asking for: the chips and the words being typed, read as one query of
 * the query language; the examples of "Find similar"; dropped image files; and the
 * balance between images and words. `request` is what the engine is asked.
 */
export class QueryState {
  chips = $state.raw<Chip[]>([]);
  typed = $state('');
  imageShare = $state(DEFAULT_IMAGE_SHARE);
  private nextKey = 1;

  readonly composed = $derived(composeQuery(this.chips, this.typed));
  readonly parsed = $derived(parseQuery(this.composed.text));
  readonly request: SearchRequest = $derived(buildRequest(this.parsed, this.chips, this.imageShare));
  /** The request as a string: equal strings are the same search. */
  readonly requestKey = $derived(JSON.stringify(this.request));
  readonly listing = $derived(isListing(this.request));
  readonly mixed = $derived(mixesImagesAndWords(this.request));
  readonly sort: SortOrder = $derived(this.request.sort ?? 'relevance');

  /** Everything in the query that could not be used as typed, and why; the rest of the query still counts. */
  readonly problems: ShownProblem[] = $derived(problemsOf(this.parsed, this.composed));

  /** The query as a person reads it, for the results header: examples by their count, the words, then the other chips. */
  readonly text = $derived.by(() => {
    const images = this.chips.flatMap((c) => (c.kind === 'examples' ? [exampleText(c)] : c.kind === 'file' ? [c.negative ? `-${c.label}` : c.label] : []));
    // The order is the sort control's to show.
    const parts = this.chips.flatMap((c) => (c.kind === 'part' && c.partKind !== 'sort' ? [c.text] : []));
    return [...images, this.typed.trim(), ...parts].filter(Boolean).join(' ');
  });

  /** The typed text changed: the parts finished so far become chips. Only at the end of the text, so a caret in the middle stays put. */
  type(text: string, caretAtEnd = true): void {
    if (!caretAtEnd) {
      this.typed = text;
      return;
    }
    this.absorb(text, false);
  }

  /** Enter: every recognised part of the typed text becomes a chip, the last one too. */
  commit(): void {
    this.absorb(this.typed, true);
  }

  private absorb(text: string, complete: boolean): void {
    const { chips, rest } = splitTyped(text, complete);
    if (chips.length) this.chips = [...this.chips, ...chips.map((c): PartChip => ({ kind: 'part', key: this.nextKey++, ...c }))];
    this.typed = rest;
  }

  remove(key: number): void {
    this.chips = this.chips.filter((c) => c.key !== key);
  }

  removeLast(): void {
    this.chips = this.chips.slice(0, -1);
  }

  toggleNegative(key: number): void {
    this.chips = this.chips.map((c) => (c.key === key && c.kind === 'file' ? { ...c, negative: !c.negative } : c));
  }

  addFile(path: string, label: string): void {
    if (this.chips.some((c) => c.kind === 'file' && c.path === path)) return;
    this.chips = [...this.chips, { kind: 'file', key: this.nextKey++, path, label, negative: false }];
  }

  /** "Find similar": a new search for photos like these, the query is one example chip; anything typed before goes. */
  findSimilar(ids: readonly number[], label: string | null): void {
    this.chips = [{ kind: 'examples', key: this.nextKey++, like: unique(ids), unlike: [], label: ids.length === 1 ? label : null }];
    this.typed = '';
  }

  /** "Not like these": the photos join the example chip as counter-examples (the chip is made when there is none). */
  addCounterExamples(ids: readonly number[]): void {
    const current = this.chips.find((c): c is ExampleChip => c.kind === 'examples');
    if (!current) {
      this.chips = [{ kind: 'examples', key: this.nextKey++, like: [], unlike: unique(ids), label: null }, ...this.chips];
      return;
    }
    this.chips = this.chips.map((c) => (c === current ? withCounterExamples(current, ids) : c));
  }

  clear(): void {
    this.chips = [];
    this.typed = '';
  }

  /** The parts of one kind, chips and typed text together, in order. */
  private partsOf<K extends ControlledKind>(kind: K): Extract<QueryPart, { kind: K }>[] {
    return this.parsed.parts.filter((p): p is Extract<QueryPart, { kind: K }> => p.kind === kind);
  }

  /** The first day of after:, as YYYY-MM-DD, for a date picker; '' without one. */
  get after(): string {
    return this.partsOf('after').at(-1)?.from ?? '';
  }

  /** The last day of before:, as YYYY-MM-DD; '' without one. */
  get before(): string {
    return this.partsOf('before').at(-1)?.to ?? '';
  }

  /** The one folder: filter, or '' when there is none or several. */
  get folder(): string {
    const all = this.partsOf('folder');
    return all.length === 1 ? all[0].value : '';
  }

  /** The one file type filtered on, or '' for none or several. */
  get fileType(): string {
    const types = this.partsOf('type').flatMap((p) => p.types);
    return types.length === 1 ? types[0] : '';
  }

  /** Replaces every part of `kind` (typed or chip) with one chip for `part`, or with nothing. */
  private control(kind: ControlledKind, part: QueryPart | null): void {
    this.commit();
    const kept = this.chips.filter((c) => !(c.kind === 'part' && c.partKind === kind));
    this.chips = part ? [...kept, { kind: 'part', key: this.nextKey++, text: formatPart(part), partKind: kind }] : kept;
  }

  setSort(order: SortOrder): void {
    this.control('sort', order === 'relevance' ? null : { kind: 'sort', order, start: 0, end: 0 });
  }

  setAfter(day: string): void {
    this.control('after', day ? { kind: 'after', value: day, from: day, to: day, start: 0, end: 0 } : null);
  }

  setBefore(day: string): void {
    this.control('before', day ? { kind: 'before', value: day, from: day, to: day, start: 0, end: 0 } : null);
  }

  setFolder(folder: string): void {
    this.control('folder', folder ? { kind: 'folder', value: folder, start: 0, end: 0 } : null);
  }

  setFileType(type: string): void {
    this.control('type', type ? { kind: 'type', types: [type], start: 0, end: 0 } : null);
  }

  /** True when a filter is in the query: dates, folders, types, camera, position, places, labels, an album. */
  get filtered(): boolean {
    const f = this.request.filters ?? {};
    return Boolean(f.after || f.before || f.folders?.length || f.types?.length || f.camera || f.hasGps || f.places?.length || f.labels?.length || f.album);
  }

  clearFilters(): void {
    this.commit();
    const filters: readonly QueryPart['kind'][] = ['after', 'before', 'folder', 'type', 'camera', 'has', 'place', 'label', 'album'];
    this.chips = this.chips.filter((c) => !(c.kind === 'part' && filters.includes(c.partKind)));
  }
}

function exampleText(chip: ExampleChip): string {
  const n = chip.like.length;
  const m = chip.unlike.length;
  const like = n === 1 && chip.label ? `like ${chip.label}` : n ? `like ${n.toLocaleString()} photos` : '';
  const unlike = m ? `not like ${m.toLocaleString()} ${m === 1 ? 'photo' : 'photos'}` : '';
  return [like, unlike].filter(Boolean).join(', ');
}
