import type { HeldRemoval } from '../api/contract.ts';
import { displayPath } from '../media/path-key.ts';
import type { FoundFile } from '../media/walk.ts';
import type { FailureRecord } from '../store/failures.ts';
import type { FileFacts, FileStat, StoredFile, TakenFields } from '../store/photos.ts';

/** A file the walk found that needs a look (new, or changed since the library saw it), with the library folder it belongs to. */
export interface FoundPhoto extends FoundFile {
  folderId: number;
  /** The library's row at this path, when there is one. */
  stored?: StoredFile;
}

/** The file as the scan saw it; its content hash comes from the decode (the bytes embedded). */
export type ScannedFile = Omit<FileStat, 'hash'> & { ext: string; hash?: string };

export interface EmbedJob {
  /** 'new': not in the library; 'changed': same path, new content; 'missing': in the library, no vector for this model. */
  kind: 'new' | 'changed' | 'missing';
  /** Path key (media/path-key.ts). */
  path: string;
  folderId: number;
  photoId?: number;
  stat?: ScannedFile;
}

/** Photos of one library folder that a scan no longer found, kept until the user confirms (see scan.ts). */
export interface HeldFolder {
  folderId: number;
  folder: string;
  photos: StoredFile[];
  /** How many photos the folder held. */
  of: number;
}

/** What a scan decided, before anything is written. */
export interface ScanPlan {
  moves: Array<{ photoId: number; folderId: number; file: FileStat; taken?: TakenFields }>;
  copies: Array<{ fromPhotoId: number; folderId: number; file: FileStat & { ext: string } }>;
  /** Same content, new file facts; `identity` confirms a row whose identity was never confirmed. */
  touches: Array<{ photoId: number; facts: FileFacts & { realPath: string | null }; identity?: { hash: string; quickHash: string } }>;
  /** Unchanged photos whose date reads differently from their name now (dates once taken from the file time). */
  redates: Array<{ photoId: number; taken: TakenFields }>;
  gone: StoredFile[];
  held: HeldFolder[];
  /** Photos whose removal was held and that are back. */
  returned: number[];
  /** Files found that could not be read, with why. */
  failures: FailureRecord[];
  /** What the walk could not see into (a folder, a link, a file it could not stat), with why; photos below are kept. */
  unreadable: FailureRecord[];
  clearedFailures: string[];
  jobs: EmbedJob[];
  unchanged: number;
}

export function emptyPlan(): ScanPlan {
  return {
    moves: [],
    copies: [],
    touches: [],
    redates: [],
    gone: [],
    held: [],
    returned: [],
    failures: [],
    unreadable: [],
    clearedFailures: [],
    jobs: [],
    unchanged: 0,
  };
}

/** How many held paths a status or run result names; the count says how many there are. */
const HELD_EXAMPLES = 5;

/** A held removal as front ends show it (contract HeldRemoval); `paths` are the held photos' keys, in path order. */
export function describeHeld(folder: string, paths: readonly string[], of: number): HeldRemoval {
  const shown = displayPath(folder);
  const all = paths.length === of;
  return {
    folder,
    ...(shown === folder ? {} : { displayFolder: shown }),
    photos: paths.length,
    of,
    examples: paths.slice(0, HELD_EXAMPLES),
    reason:
      `${all ? `None of the ${of} photos` : `${paths.length} of the ${of} photos`} of ${shown} ${all ? 'were' : 'were not'} found. ` +
      'They are kept in case the folder is only partly there (a drive that did not mount fully, a sync that emptied it). ' +
      'If they were deleted on purpose, confirm to remove them from the library.',
  };
}
