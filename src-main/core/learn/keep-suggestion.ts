/** What deciding which copy to keep looks at. */
export interface KeepCandidate {
  id: number;
  width: number;
  height: number;
  /** Bytes. */
  size: number;
  /** As media/decode.ts reports it: 'heif', 'jpeg', 'png', ... */
  format: string;
  /** When it was taken (ms), if known. */
  takenAt: number | null;
  /** The file's modification time (ms). */
  mtimeMs: number;
}

/**
 * Formats in the order a camera original is more likely than a copy: phones write
 * HEIC and cameras JPEG, and the others are what exports and conversions produce.
 */
const FORMAT_ORDER = ['heif', 'jpeg', 'tiff', 'png', 'avif', 'webp', 'gif'];

function formatRank(format: string): number {
  const at = FORMAT_ORDER.indexOf(format);
  return at === -1 ? FORMAT_ORDER.length : at;
}

/** Earlier taken first (a copy keeps the date in its EXIF, or loses it), then the earlier file. */
function earlier(a: KeepCandidate, b: KeepCandidate): number {
  const ta = a.takenAt ?? Number.MAX_VALUE;
  const tb = b.takenAt ?? Number.MAX_VALUE;
  return ta !== tb ? Math.sign(ta - tb) : Math.sign(a.mtimeMs - b.mtimeMs);
}

const CRITERIA: ReadonlyArray<{ reason: string; compare: (a: KeepCandidate, b: KeepCandidate) => number }> = [
  { reason: 'most pixels', compare: (a, b) => b.width * b.height - a.width * a.height },
  { reason: 'original format', compare: (a, b) => formatRank(a.format) - formatRank(b.format) },
  { reason: 'earliest', compare: earlier },
  { reason: 'largest file', compare: (a, b) => b.size - a.size },
];

/**
 * The copy to suggest keeping in a group of near-duplicates: the largest (most
 * pixels), then the one in an original format, then the earliest (taken, else file
 * time), then the largest file, then the first added. The app never deletes: this is
 * only what the list shows first.
 * @returns the photo to keep, the others in the same order, and for each criterion
 *   that set the kept photo above another one, why
 * @throws RangeError for an empty group
 */
export function suggestKeep<T extends KeepCandidate>(photos: readonly T[]): { keep: T; others: T[]; reasons: string[] } {
  if (photos.length === 0) throw new RangeError('suggestKeep: a group has at least one photo');
  const compare = (a: T, b: T) => {
    for (const c of CRITERIA) {
      const d = c.compare(a, b);
      if (d !== 0) return d;
    }
    return a.id - b.id;
  };
  const [keep, ...others] = [...photos].sort(compare);
  const reasons = CRITERIA.filter((c) =>
    others.some((o) => c.compare(keep, o) < 0 && CRITERIA.slice(0, CRITERIA.indexOf(c)).every((before) => before.compare(keep, o) === 0)),
  ).map((c) => c.reason);
  return { keep, others, reasons };
}
