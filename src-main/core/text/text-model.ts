import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import { InputError, ModelError } from '../errors.ts';
import { MODEL_ID_PATTERN } from '../models/catalog.ts';
import { installModel, readInstallRecord, removeModel, type InstallOptions } from '../models/hub/index.ts';
import { CATALOG_DIR } from '../models/catalog.ts';
import { readManifestFolder } from '../models/manifest-folder.ts';

/**
 * The OCR models' manifests live in their own folder of the catalog, models/text/, so the
 * CLIP catalog (models/*.json, read by models/catalog.ts) and its listings stay as they are.
 */
export const TEXT_CATALOG_DIR = path.join(CATALOG_DIR, 'text');

const relPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && p.split('/').every((part) => part !== '' && part !== '.' && part !== '..'), {
    message: 'must be a relative path (no "..", no leading "/", "/" as separator)',
  });

const npmFile = z.strictObject({ npm: z.string().regex(/^(@[a-z0-9._-]+\/)?[a-z0-9._-]+$/, 'an npm package name'), file: relPath });

const entrySchema = z
  .strictObject({
    id: z.string().regex(MODEL_ID_PATTERN, 'lowercase letters, digits, ".", "_" and "-" only'),
    kind: z.literal('ocr'),
    displayName: z.string().min(1),
    default: z.boolean().optional(),
    /** Where the detector, recogniser and dictionary come from: a package npm installs with the app, or a hub repository. */
    source: z.union([
      z.strictObject({ npm: npmFile.shape.npm }),
      z.strictObject({
        hub: z.literal('huggingface'),
        repo: z.string().regex(/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/, 'must be "owner/name"'),
        revision: z.string().min(1),
        files: z.array(relPath).min(1),
      }),
    ]),
    /** Paths inside the source. */
    files: z.strictObject({ detector: relPath, recogniser: relPath, dictionary: relPath }),
    /** The 0/180-degree text-line classifier; npm-shipped, so hub models use it too. */
    classifier: npmFile,
    /** SHA-256 of hub files as their model card states them, checked after the download. */
    sha256: z.record(relPath, z.string().regex(/^[0-9a-f]{64}$/)).optional(),
    licence: z.string().min(1),
    sizeMB: z.number().positive(),
    languages: z.array(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/)).min(1),
    whenToPick: z.string().min(1).max(160),
  })
  .superRefine((entry, ctx) => {
    if (!('hub' in entry.source)) return;
    const listed = entry.source.files;
    for (const [key, file] of Object.entries(entry.files)) {
      if (!listed.includes(file)) ctx.addIssue({ code: 'custom', path: ['files', key], message: `${file} is not in source.files` });
    }
    for (const file of Object.keys(entry.sha256 ?? {})) {
      if (!listed.includes(file)) ctx.addIssue({ code: 'custom', path: ['sha256', file], message: 'pins a file that is not in source.files' });
    }
  });

export type TextModelEntry = z.infer<typeof entrySchema>;

/** The files an OCR model reads, as absolute paths. */
export interface TextModelFiles {
  /** The manifest id, e.g. "pp-ocrv4-mobile". */
  entryId: string;
  displayName: string;
  /** Where the detector, recogniser and dictionary are: the npm package or the installed model folder. */
  dir: string;
  detector: string;
  recogniser: string;
  classifier: string;
  dictionary: string;
}

const cache = new Map<string, TextModelEntry[]>();

/** Every OCR manifest in `dir`, validated, sorted by id; exactly one is the default. */
export function loadTextModelCatalog(dir: string = TEXT_CATALOG_DIR): TextModelEntry[] {
  const key = path.resolve(dir);
  const cached = cache.get(key);
  if (cached) return cached;
  const entries = readManifestFolder(key, entrySchema, 'OCR model catalog');
  cache.set(key, entries);
  return entries;
}

/** The manifest of `id`, or of the default OCR model when `id` is omitted. */
export function findTextModelEntry(id?: string, dir: string = TEXT_CATALOG_DIR): TextModelEntry {
  const entries = loadTextModelCatalog(dir);
  const entry = id === undefined ? entries.find((e) => e.default === true) : entries.find((e) => e.id === id);
  if (!entry) throw new InputError(String(id), `Unknown OCR model "${id}". Known OCR models: ${entries.map((e) => e.id).join(', ')}`);
  return entry;
}

const require = createRequire(import.meta.url);

/** The folder of an installed npm package, found the way Node resolves it (the package may export none of its files). */
/**
 * In a packaged desktop app the package sits inside app.asar, which only Electron's own
 * fs can read; onnxruntime opens model files by path, so it is given the unpacked copy
 * (build/electron-builder.yml unpacks the OCR assets next to the archive).
 */
function outsideAsar(dir: string): string {
  return dir.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

function packageDir(name: string): string {
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = path.join(base, name);
    if (fs.existsSync(path.join(dir, 'package.json'))) return outsideAsar(dir);
  }
  throw new ModelError('model-missing', name, `The npm package ${name}, which holds the built-in OCR model, is not installed. Run npm install.`);
}

function existing(file: string, dir: string, hint: string): string {
  if (!fs.existsSync(file)) throw new ModelError('model-missing', dir, `OCR model file ${file} is missing. ${hint}`);
  return file;
}

/**
 * The files of an OCR model: in its npm package for built-in models, in
 * `textModelsDir/<id>` for models installed from the hub (installTextModel).
 * Throws ModelError 'model-missing' naming the file and how to get it.
 */
export function resolveTextModelFiles(entry: TextModelEntry, textModelsDir: string): TextModelFiles {
  const classifierDir = packageDir(entry.classifier.npm);
  let dir: string;
  let hint: string;
  if ('npm' in entry.source) {
    dir = packageDir(entry.source.npm);
    hint = `Reinstall the npm package ${entry.source.npm}.`;
  } else {
    dir = path.join(textModelsDir, entry.id);
    hint = `Install the model with \`photo-search models install ${entry.id}\`.`;
    if (!readInstallRecord(dir)) throw new ModelError('model-missing', dir, `OCR model ${entry.id} is not installed in ${textModelsDir}. ${hint}`);
  }
  const at = (rel: string, base: string) => existing(path.join(base, ...rel.split('/')), dir, hint);
  return {
    entryId: entry.id,
    displayName: entry.displayName,
    dir,
    detector: at(entry.files.detector, dir),
    recogniser: at(entry.files.recogniser, dir),
    dictionary: at(entry.files.dictionary, dir),
    classifier: at(entry.classifier.file, classifierDir),
  };
}

/**
 * Downloads a hub OCR model into `textModelsDir/<id>` with the app's model downloader
 * (resume, size and SHA-256 checks against the hub, atomic placement), then checks the
 * files the manifest pins by SHA-256 and removes the install if one differs.
 * Throws InputError for a built-in model, ModelError 'model-download-failed' otherwise.
 */
export async function installTextModel(entry: TextModelEntry, textModelsDir: string, opts: InstallOptions = {}): Promise<TextModelFiles> {
  if (!('hub' in entry.source))
    throw new InputError(entry.id, `${entry.displayName} is built in (npm package ${entry.source.npm}); there is nothing to download.`);
  const result = await installModel(
    { id: entry.id, displayName: entry.displayName, source: { ...entry.source }, layout: 'ppocr', quantized: undefined },
    textModelsDir,
    opts,
  );
  for (const [file, expected] of Object.entries(entry.sha256 ?? {})) {
    const got = result.files.find((f) => f.path === file)?.sha256;
    if (got !== expected) {
      await removeModel(entry.id, textModelsDir);
      throw new ModelError(
        'model-download-failed',
        result.dir,
        `${entry.source.repo}/${file} has SHA-256 ${got ?? '(missing)'}, but its model card states ${expected}: the repository changed; the download was removed.`,
      );
    }
  }
  return resolveTextModelFiles(entry, textModelsDir);
}
