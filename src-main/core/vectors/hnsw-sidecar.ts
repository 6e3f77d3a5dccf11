import fs from 'node:fs';
import { z } from 'zod';
import { LibraryError, errorMessage } from '../errors.ts';
import { writeFileAtomic } from './atomic-file.ts';

/** Bumped whenever the sidecar fields or the build parameters change, so older files are rebuilt. */
export const INDEX_FORMAT_VERSION = 3;

const count = z.number().int().nonnegative();

const stampSchema = z.object({
  library: z.string().min(1),
  modelId: z.string(),
  dim: z.number().int().positive(),
  count,
  generation: count,
  digest: count,
});

const sidecarSchema = z.object({
  format: z.literal(INDEX_FORMAT_VERSION),
  stamp: stampSchema,
  /** Size and CRC-32 of the index file this sidecar was written with: ties the two files together. */
  bytes: count,
  crc32: count,
  /**
   * Ids still in the file but marked deleted. hnswlib keeps them as tombstones and
   * cannot list them, so the live count on reopening is elements minus these.
   */
  deleted: z.array(count),
});

export type Sidecar = z.infer<typeof sidecarSchema>;

export function sidecarPath(indexFile: string): string {
  return `${indexFile}.json`;
}

export type SidecarRead = { ok: true; sidecar: Sidecar } | { ok: false; stale: boolean; why: string };

/** Reads the sidecar of `indexFile`; a sidecar from another format version is stale, a broken one unreadable. */
export function readSidecar(indexFile: string): SidecarRead {
  const file = sidecarPath(indexFile);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, stale: false, why: missing ? 'no sidecar' : `sidecar: ${errorMessage(err)}` };
  }
  const format = typeof raw === 'object' && raw !== null ? (raw as { format?: unknown }).format : undefined;
  if (typeof format === 'number' && format !== INDEX_FORMAT_VERSION) {
    return { ok: false, stale: true, why: `format ${format}, expected ${INDEX_FORMAT_VERSION}` };
  }
  const parsed = sidecarSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, stale: false, why: `sidecar: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  return { ok: true, sidecar: parsed.data };
}

export function writeSidecar(indexFile: string, sidecar: Sidecar): void {
  const file = sidecarPath(indexFile);
  try {
    writeFileAtomic(file, JSON.stringify(sidecar));
  } catch (err) {
    throw new LibraryError('library-invalid', file, `Cannot write ${file}: ${errorMessage(err)}`, { cause: err });
  }
}
