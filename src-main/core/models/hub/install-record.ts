import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileDurably } from './durable-fs.ts';

export const INSTALL_RECORD = 'install.json';

const installedFileSchema = z.strictObject({
  path: z.string().min(1),
  size: z.int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const recordSchema = z.object({
  id: z.string().min(1),
  source: z.enum(['huggingface', 'import']),
  /** 'ppocr': an OCR model (detector, recogniser, dictionary), installed apart from the CLIP models. */
  layout: z.enum(['hf-onnx', 'immich', 'ppocr']),
  /** Hub repository, when known (always for downloads; for imports, carried over from the copied install.json). */
  repo: z.string().optional(),
  /** The branch or tag that was asked for. */
  ref: z.string().optional(),
  /** The commit it resolved to. */
  revision: z.string().optional(),
  variant: z.enum(['fp32', 'quantized']).optional(),
  importedFrom: z.string().optional(),
  installedAt: z.string(),
  files: z.array(installedFileSchema),
});

export type InstalledFile = z.infer<typeof installedFileSchema>;
export type InstallRecord = z.infer<typeof recordSchema>;

/** The record in a model directory, or null when it is missing or not one of ours. */
export function readInstallRecord(dir: string): InstallRecord | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, INSTALL_RECORD), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = recordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeInstallRecord(dir: string, record: InstallRecord): Promise<void> {
  await writeFileDurably(path.join(dir, INSTALL_RECORD), `${JSON.stringify(record, null, 2)}\n`);
}
