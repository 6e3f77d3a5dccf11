import { seededRandom } from './prng.ts';

const SUBJECTS = [
  'dog',
  'cat',
  'child',
  'children',
  'family',
  'friends',
  'boat',
  'car',
  'bicycle',
  'train',
  'house',
  'bridge',
  'church',
  'market',
  'cake',
  'flowers',
  'horse',
  'tent',
  'kite',
  'snowman',
];
const DOING = ['playing', 'sleeping', 'running', 'sitting', 'standing', 'waiting', 'smiling', 'swimming', 'eating', 'walking'];
const PLACES = [
  'on the beach',
  'in the snow',
  'in the park',
  'at night',
  'at sunset',
  'in the forest',
  'by the lake',
  'in the city',
  'in the garden',
  'in the mountains',
  'at a wedding',
  'at a birthday party',
];

/**
 * `count` distinct short queries such as "dog playing on the beach" (the text
 * cache must not answer them), in a seeded order so runs are comparable.
 */
export function queryTexts(count: number, seed = 11): string[] {
  const all: string[] = [];
  for (const s of SUBJECTS) for (const d of DOING) for (const p of PLACES) all.push(`${s} ${d} ${p}`);
  if (count > all.length) throw new RangeError(`only ${all.length} distinct queries`);
  const random = seededRandom(seed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, count);
}
