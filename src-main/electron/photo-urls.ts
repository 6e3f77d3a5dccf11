/** The photo:// URLs the window uses; shared by the preload (which builds them) and the protocol handler. */
export const PHOTO_SCHEME = 'photo';
export const DEFAULT_THUMB_SIZE = 256;

export function thumbnailUrl(id: number, size: number = DEFAULT_THUMB_SIZE): string {
  return `${PHOTO_SCHEME}://thumb/${id}?size=${size}`;
}

export function photoUrl(id: number): string {
  return `${PHOTO_SCHEME}://full/${id}`;
}
