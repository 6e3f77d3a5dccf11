/**
 * Labels in two levels, found from the library: a label whose photos mostly carry
 * another, broader label becomes that label's refinement ("puppy" under "dog"), the
 * subsumption rule of Sanderson & Croft 1999 ("Deriving concept hierarchies from
 * text", SIGIR): x subsumes y when at least 80% of the documents of y are documents
 * of x and x has more of them. A photo's labels are then read top-down, the way CHiLS reads
 * subclasses (Novack et al. 2023, "CHiLS: Zero-shot image classification with
 * hierarchical label sets"): a refinement that fits a photo best lifts its parent to
 * the top instead of displacing it, so labels added later refine the labels photos
 * already have rather than reshuffle them.
 */

/** Share of a label's photos that must carry the broader label for it to become its refinement (Sanderson & Croft's 0.8). */
const SUBSUMPTION = 0.8;

export interface LabelMatches {
  key: string;
  /** Ids of the photos the label was given. */
  photos: ReadonlySet<number>;
}

export interface PlacedLabel extends LabelMatches {
  /** Key of the broader label, or null for a top-level label. */
  parent: string | null;
}

/**
 * Places new labels under the labels already placed, and under each other: broadest
 * first, each under the top-level label sharing most of its photos when that is at
 * least SUBSUMPTION of them. Labels already placed never move, so adding labels never
 * changes where the existing ones stand; a label without photos stays top-level.
 * @returns the parent of each new label, by key
 */
export function placeLabels(added: readonly LabelMatches[], placed: readonly PlacedLabel[]): Map<string, string | null> {
  const tops: LabelMatches[] = placed.filter((p) => p.parent === null);
  const out = new Map<string, string | null>();
  const broadestFirst = [...added].sort((a, b) => b.photos.size - a.photos.size || a.key.localeCompare(b.key));
  for (const label of broadestFirst) {
    let parent: LabelMatches | null = null;
    let shared = 0;
    if (label.photos.size > 0) {
      for (const top of tops) {
        if (top.photos.size < label.photos.size) continue;
        let n = 0;
        for (const id of label.photos) if (top.photos.has(id)) n++;
        if (n > shared) {
          shared = n;
          parent = top;
        }
      }
    }
    if (parent && shared >= SUBSUMPTION * label.photos.size) out.set(label.key, parent.key);
    else {
      out.set(label.key, null);
      tops.push(label);
    }
  }
  return out;
}
