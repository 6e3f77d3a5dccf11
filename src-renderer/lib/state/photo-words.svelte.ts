import type { HitReason, PhotoText } from '../../../src-main/core/api/contract.ts';
import { type ApiError, toApiError } from '../api/api-error.ts';
import { foundWords } from '../text-boxes.ts';

/** The `photoText` operation: the words read in a photo, with the lines `query` matched marked. */
export type ReadPhotoText = (input: { id: number; query?: string }) => Promise<PhotoText>;

/** The photo the lightbox shows, and why it is in the results (none when browsing the timeline). */
export interface ShownPhoto {
  id: number;
  reasons: readonly HitReason[];
}

/** The words read in the photo the lightbox shows, as its text section and its boxes use them. */
export class PhotoWords {
  /** The photo's words once read; null while they are being asked for. */
  text = $state.raw<PhotoText | null>(null);
  error = $state.raw<ApiError | null>(null);
  /** The words the search found in this photo: the ones to draw boxes over. */
  found = $state.raw<string[]>([]);
  /** Bumped for every photo shown: an answer about an earlier one is dropped. */
  private asked = 0;

  constructor(private readonly read: ReadPhotoText) {}

  get loading(): boolean {
    return this.text === null && this.error === null;
  }

  /** Reads the words of `photo`, marking the lines holding the words its search found. */
  async show(photo: ShownPhoto): Promise<void> {
    const asked = ++this.asked;
    const found = foundWords(photo.reasons);
    this.text = null;
    this.error = null;
    this.found = found;
    try {
      const text = await this.read(found.length > 0 ? { id: photo.id, query: found.join(' ') } : { id: photo.id });
      if (asked === this.asked) this.text = text;
    } catch (err) {
      if (asked === this.asked) this.error = toApiError(err);
    }
  }
}

/**
 * Follows the photo a component shows (`photo` is read inside an effect, so a change
 * of photo reads that photo's words); call it while the component is created. Null
 * without `read`: the words are not shown.
 */
export function followPhotoWords(photo: () => ShownPhoto | null, read: ReadPhotoText | undefined): PhotoWords | null {
  if (!read) return null;
  const words = new PhotoWords(read);
  let last = '';
  $effect(() => {
    const shown = photo();
    const key = shown ? JSON.stringify([shown.id, foundWords(shown.reasons)]) : '';
    if (!shown || key === last) return;
    last = key;
    void words.show(shown);
  });
  return words;
}
