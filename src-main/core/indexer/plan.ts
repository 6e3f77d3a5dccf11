import type { FileStat, StoredFile } from '../store/photos.ts';

/** A file the walk found, with the library folder it belongs to. */
export interface FoundPhoto extends Omit<FileStat, 'hash'> {
  folderId: number;
  ext: string;
  hash?: string;
}

export interface EmbedJob {
  /** 'new': not in the library; 'changed': same path, new content; 'missing': in the library, no vector for this model. */
  kind: 'new' | 'changed' | 'missing';
  path: string;
  folderId: number;
  photoId?: number;
  stat?: FileStat & { ext: string };
}

/** What a scan decided, before anything is written. */
export interface ScanPlan {
  moves: Array<{ photoId: number; folderId: number; file: FileStat }>;
  copies: Array<{ fromPhotoId: number; folderId: number; file: FileStat & { ext: string } }>;
  touches: Array<{ photoId: number; size: number; mtimeMs: number }>;
  gone: StoredFile[];
  clearedFailures: string[];
  jobs: EmbedJob[];
  unchanged: number;
}

export function emptyPlan(): ScanPlan {
  return { moves: [], copies: [], touches: [], gone: [], clearedFailures: [], jobs: [], unchanged: 0 };
}
