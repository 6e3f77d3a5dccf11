import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { fsReason } from '../media/fs-reason.ts';
import { walkPhotos } from '../media/walk.ts';

export interface LabelledImage {
  /** Path key of the file (media/path-key.ts). */
  path: string;
  /** Index into the folder's classes. */
  label: number;
}

export interface ClassFolder {
  /** Absolute path of the folder. */
  root: string;
  /** Class names: the subfolders' names as written, sorted. */
  classes: string[];
  /** Every photo of every class folder (subfolders included), in class then path order. */
  images: LabelledImage[];
  /** Files or folders that could not be read, and why. */
  problems: Array<{ path: string; reason: string }>;
}

/**
 * Reads a labelled folder: each subfolder is a class, named as the subfolder is
 * written, and holds that class's photos (at any depth). Hidden subfolders are not
 * classes. Only reads: nothing is written under the folder.
 * @throws InputError when the folder cannot be listed or has fewer than two classes with photos
 */
export async function readClassFolder(folder: string): Promise<ClassFolder> {
  const root = path.resolve(folder);
  let entries: Dirent[];
  try {
    entries = await fs.readdir(root, { withFileTypes: true });
  } catch (err) {
    throw new InputError(folder, `Cannot read ${root}: ${fsReason(err)}. Give a folder with one subfolder of photos per class.`);
  }
  const problems: ClassFolder['problems'] = [];
  const found: Array<{ name: string; files: string[] }> = [];
  const names = entries
    .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || e.isSymbolicLink()))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  for (const name of names) {
    const dir = path.join(root, name);
    if (!(await fs.stat(dir).catch(() => null))?.isDirectory()) continue;
    const files: string[] = [];
    for await (const file of walkPhotos(dir, { onIssue: (issue) => problems.push({ path: issue.path, reason: issue.reason }) })) files.push(file.path);
    if (files.length > 0) found.push({ name, files: files.sort() });
  }
  if (found.length < 2) {
    throw new InputError(
      folder,
      `${root} has ${found.length === 0 ? 'no class subfolder with photos' : 'only one class subfolder with photos'}; evaluation needs at least two (one subfolder of photos per class, named after the class).`,
    );
  }
  return {
    root,
    classes: found.map((c) => c.name),
    images: found.flatMap((c, label) => c.files.map((p) => ({ path: p, label }))),
    problems,
  };
}
