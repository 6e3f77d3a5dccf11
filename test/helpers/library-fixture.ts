import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PhotoSearchService, type ServiceOptions } from '../../src-main/core/api/service.ts';
import { writePhotoCorpus, type CorpusManifest } from '../fixtures/photos.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';

/** A scratch area per test file: a tiny model, a generated photo corpus and an empty library. */
export interface LibraryFixture {
  root: string;
  modelDir: string;
  photosDir: string;
  libraryDir: string;
  manifest: CorpusManifest;
  open(overrides?: Partial<ServiceOptions>): PhotoSearchService;
  cleanup(): void;
}

const modelCache = new Map<string, Promise<void>>();

export async function createLibraryFixture(name: string): Promise<LibraryFixture> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `photo-search-${name}-`));
  const modelDir = path.join(root, 'model');
  const photosDir = path.join(root, 'photos');
  const libraryDir = path.join(root, 'library');
  if (!modelCache.has(modelDir)) modelCache.set(modelDir, writeTinyModel(modelDir));
  await modelCache.get(modelDir);
  const manifest = await writePhotoCorpus(photosDir);
  return {
    root,
    modelDir,
    photosDir,
    libraryDir,
    manifest,
    open: (overrides = {}) => PhotoSearchService.open({ libraryDir, modelDir, intraOpThreads: 1, ...overrides }),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
