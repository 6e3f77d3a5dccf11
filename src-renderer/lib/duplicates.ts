import type { DuplicateGroup } from '../../src-main/core/api/contract.ts';
import { shownPath } from './format.ts';

/**
 * The groups as plain text for the clipboard: one block per group, the photo suggested
 * to keep first and marked "keep", then its copies, each as a readable path.
 */
export function duplicatesText(groups: readonly DuplicateGroup[]): string {
  return groups
    .map((group, i) => {
      const lines = group.photos.map((p) => `${p.id === group.keep ? 'keep  ' : 'copy  '}${shownPath(p)}`);
      return [`Group ${i + 1} (keep: ${group.reasons.join(', ') || 'first'})`, ...lines].join('\n');
    })
    .join('\n\n');
}

/** The last `keep` folders of a directory, after "…/" when there are more: the part that tells copies apart. */
export function shortDirectory(directory: string, keep = 2): string {
  const sep = directory.includes('\\') && !directory.includes('/') ? '\\' : '/';
  const parts = directory.split(sep).filter(Boolean);
  return parts.length <= keep ? directory : `…${sep}${parts.slice(-keep).join(sep)}`;
}

/**
 * The groups without the photos in `gone` (moved to the trash): a group left with one
 * photo is no group; its reclaimable bytes are counted again from what is left.
 */
export function withoutPhotos(groups: readonly DuplicateGroup[], gone: ReadonlySet<number>): DuplicateGroup[] {
  return groups.flatMap((group) => {
    const photos = group.photos.filter((p) => !gone.has(p.id));
    if (photos.length === group.photos.length) return [group];
    if (photos.length < 2) return [];
    const keep = photos.some((p) => p.id === group.keep) ? group.keep : photos[0].id;
    const reclaimableBytes = photos.filter((p) => p.id !== keep).reduce((n, p) => n + p.size, 0);
    return [{ ...group, photos, keep, reclaimableBytes }];
  });
}
