import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { readManifestFolder } from './manifest-folder.ts';

/**
 * The app's models/ folder of manifests: the nearest one above this module, which is
 * src-main/core/models/ when run from source (tsx, tests, the CLI) and out/main/ in the
 * desktop app's bundle (and its packaged copy, models/ being among the packaged files).
 */
export const CATALOG_DIR = catalogDirAbove(path.dirname(fileURLToPath(import.meta.url)));

function catalogDirAbove(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'models');
    if (fs.existsSync(path.join(candidate, 'text'))) return candidate + path.sep;
    if (path.dirname(dir) === dir) return fileURLToPath(new URL('../../../models/', import.meta.url));
  }
}

/** Ids become directory names under the models folder, so they are restricted to safe characters. */
export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

const repoFilePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && p.split('/').every((part) => part !== '' && part !== '.' && part !== '..'), {
    message: 'must be a relative path inside the repository (no "..", no leading "/", "/" as separator)',
  });

const benchmarkSchema = z.strictObject({
  metric: z.string().min(1),
  value: z.number(),
  source: z.string().min(1),
});

const entrySchema = z
  .strictObject({
    id: z.string().regex(MODEL_ID_PATTERN, 'lowercase letters, digits, ".", "_" and "-" only'),
    displayName: z.string().min(1),
    default: z.boolean().optional(),
    source: z.strictObject({
      hub: z.literal('huggingface'),
      repo: z.string().regex(/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/, 'must be "owner/name"'),
      revision: z.string().min(1),
      files: z.array(repoFilePath).min(1),
    }),
    layout: z.enum(['hf-onnx', 'immich']),
    embeddingDim: z.int().positive(),
    imageSize: z.int().positive(),
    preprocessing: z.enum(['clip', 'siglip']),
    tokenizer: z.enum(['bpe', 'sentencepiece']),
    contextLength: z.int().positive(),
    licence: z.string().min(1),
    /** Weights whose licence allows only non-commercial use or research, so that nobody picks one by accident: listed, installed and chosen with a warning. */
    licenceRestriction: z.enum(['non-commercial', 'research-only']).optional(),
    downloadSizeMB: z.number().positive(),
    quantized: z
      .strictObject({
        files: z.record(repoFilePath, repoFilePath),
        downloadSizeMB: z.number().positive(),
      })
      .optional(),
    languages: z.array(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/, 'must be a BCP 47 language code ("mul" for many)')).min(1),
    whenToPick: z.string().min(1).max(160),
    benchmark: benchmarkSchema.optional(),
  })
  .superRefine((entry, ctx) => {
    for (const full of Object.keys(entry.quantized?.files ?? {})) {
      if (!entry.source.files.includes(full)) {
        ctx.addIssue({ code: 'custom', path: ['quantized', 'files', full], message: 'replaces a file that is not in source.files' });
      }
    }
  });

export type CatalogEntry = z.infer<typeof entrySchema>;

const cache = new Map<string, CatalogEntry[]>();

/**
 * Every manifest in `dir`, validated, sorted by id. Exactly one entry is the default:
 * the choice is data, reviewed with the figures next to it.
 */
export function loadCatalog(dir: string = CATALOG_DIR): CatalogEntry[] {
  const key = path.resolve(dir);
  const cached = cache.get(key);
  if (cached) return cached;
  const entries = readManifestFolder(key, entrySchema, 'Model catalog');
  cache.set(key, entries);
  return entries;
}

export function defaultModelId(dir: string = CATALOG_DIR): string {
  return loadCatalog(dir).find((entry) => entry.default === true)!.id;
}

export function findEntry(id: string, dir: string = CATALOG_DIR): CatalogEntry {
  const entries = loadCatalog(dir);
  const entry = entries.find((e) => e.id === id);
  if (!entry) throw new InputError(id, `Unknown model "${id}". Known models: ${entries.map((e) => e.id).join(', ')}`);
  return entry;
}
