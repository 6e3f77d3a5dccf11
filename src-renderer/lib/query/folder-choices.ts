import type { FolderStatus } from '../../../src-main/core/api/contract.ts';
import { fileName, formatCount } from '../format.ts';

export interface FolderChoice {
  path: string;
  /** The folder's own name; a library folder's also gives its photo count. */
  label: string;
  /** 0 for a library folder, 1 for a folder directly inside it, and so on. */
  depth: number;
}

/** Windows paths (drive letter or UNC) use backslashes; every other platform the engine runs on uses slashes. */
function separatorOf(path: string): '/' | '\\' {
  return /^[a-zA-Z]:\\|^\\\\/.test(path) ? '\\' : '/';
}

/** The folder a file is in, whichever separator its path uses; '' for a bare name. */
export function parentFolder(file: string): string {
  const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  if (cut < 0) return '';
  return cut === 0 ? file.slice(0, 1) : file.slice(0, cut);
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Folder by folder, so a folder's subfolders come right after it, in natural order (2 before 10). */
function bySegments(sep: string): (a: string, b: string) => number {
  return (a, b) => {
    const x = a.split(sep);
    const y = b.split(sep);
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const order = collator.compare(x[i], y[i]);
      if (order !== 0) return order;
    }
    return x.length - y.length;
  };
}

/**
 * What the folder filter offers: each library folder and, under it, every folder
 * between it and the given folders (those that hold photos seen in results), as a
 * tree. The status lists only library folders; the engine filters by any folder.
 * The chosen folder stays on the list even when no result shows it any more.
 */
export function folderChoices(roots: readonly FolderStatus[], photoFolders: Iterable<string>, chosen: string): FolderChoice[] {
  const dirs = [...photoFolders];
  const choices: FolderChoice[] = [];
  for (const root of roots) {
    const sep = separatorOf(root.path);
    const base = root.path.endsWith(sep) ? root.path : root.path + sep;
    const inside = new Set<string>();
    for (const dir of dirs) {
      if (!dir.startsWith(base)) continue;
      const parts = dir.slice(base.length).split(sep).filter(Boolean);
      for (let i = 1; i <= parts.length; i++) inside.add(parts.slice(0, i).join(sep));
    }
    choices.push({ path: root.path, label: `${fileName(root.displayPath ?? root.path)} (${formatCount(root.photos)})`, depth: 0 });
    for (const rel of [...inside].sort(bySegments(sep))) choices.push({ path: base + rel, label: fileName(rel), depth: rel.split(sep).length });
  }
  if (chosen && !choices.some((c) => c.path === chosen)) choices.push({ path: chosen, label: fileName(chosen), depth: 0 });
  return choices;
}
