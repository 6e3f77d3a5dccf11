import type { SearchQuery } from '../api/contract.ts';
import type { CameraNames } from './sources/cameras.ts';
import type { QueryPart } from './sources/source.ts';

/**
 * Words that say nothing a name, a place or a text in a photo could match: English
 * function words and the words people use for the photos themselves ("photos of").
 * They stay in the description the model reads, which understands them.
 */
const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or of in on at to from by for with without into onto over under near my our your his her their its me us this that these those ' +
    'is are was were be some any all photo photos picture pictures pic pics image images shot shots snap snaps'
  ).split(' '),
);

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word.toLowerCase());
}

/** A run of query words that names something in the library: a place, a camera. */
export interface NamedRun {
  /** Index of the first word and one past the last, in the description's words. */
  start: number;
  end: number;
  /** As the library names it: "Paris, France", "FUJIFILM X100V". */
  names: string[];
}

/** Finds the runs of description words that name places of the library (core/places), longest first. */
export type PlaceFinder = (words: readonly string[]) => NamedRun[];

export interface Interpretation {
  parts: QueryPart[];
  /** What the model reads: the description without the words other parts took; '' when none is left. */
  description: string;
  /** Per place or camera part, the library's names it stands for. */
  named: Map<string, string[]>;
}

function runText(words: readonly string[], run: NamedRun): string {
  return words.slice(run.start, run.end).join(' ');
}

/** Camera runs: single words that name one of the library's cameras (core/search/sources/cameras.ts). */
function cameraRuns(words: readonly string[], cameras: CameraNames): NamedRun[] {
  const runs: NamedRun[] = [];
  words.forEach((w, i) => {
    if (isStopWord(w)) return;
    const names = cameras.named(w);
    if (names.length) runs.push({ start: i, end: i + 1, names });
  });
  return runs;
}

/**
 * Splits a query into the parts a photo must satisfy to be a match (see
 * sources/source.ts): dates found among the free words, runs of words that name a
 * place or a camera of this library, quoted phrases, and the description: the rest
 * of the free words, which the model and the word sources answer.
 */
export function interpret(query: SearchQuery, cameras: CameraNames, findPlaces: PlaceFinder): Interpretation {
  const words = (query.description ?? '').split(/\s+/).filter(Boolean);
  const taken = new Array<boolean>(words.length).fill(false);
  const parts: QueryPart[] = [];
  const named = new Map<string, string[]>();

  const claim = (kind: 'place' | 'camera', runs: NamedRun[]) => {
    for (const run of runs.sort((a, b) => b.end - b.start - (a.end - a.start))) {
      if (taken.slice(run.start, run.end).some(Boolean)) continue;
      taken.fill(true, run.start, run.end);
      const text = runText(words, run);
      const key = `${kind}:${text.toLowerCase()}`;
      parts.push({ key, kind, words: words.slice(run.start, run.end).filter((w) => !isStopWord(w)), text });
      named.set(key, run.names);
    }
  };
  claim('place', findPlaces(words));
  claim('camera', cameraRuns(words, cameras));

  for (const d of query.dateWords) {
    parts.push({ key: `date:${d.text.toLowerCase()}`, kind: 'date', words: d.text.split(/\s+/).filter((w) => !isStopWord(w)), text: d.text });
  }
  for (const phrase of query.phrases) {
    parts.push({ key: `phrase:${phrase.toLowerCase()}`, kind: 'phrase', words: phrase.split(/\s+/).filter(Boolean), text: phrase });
  }

  const rest = words.filter((_, i) => !taken[i]);
  const meaningful = rest.filter((w) => !isStopWord(w));
  if (meaningful.length > 0) parts.unshift({ key: 'description', kind: 'description', words: meaningful, text: rest.join(' ') });
  return { parts, description: meaningful.length > 0 ? rest.join(' ') : '', named };
}
