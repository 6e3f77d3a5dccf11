/**
 * A scratch area for tests that build their own photo folders: one tiny model,
 * libraries opened on it, the CLI run in-process with its output captured, and
 * small generated photos whose colour the tiny model recognises.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { writeJpegScene, writeSceneImage } from '../fixtures/photos.ts';
import type { Colour } from '../fixtures/scenes.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';
import { runCli, type CliRun } from './run-cli.ts';

export interface Scratch {
  root: string;
  modelDir: string;
  /** A fresh folder under the scratch root. */
  dir(...parts: string[]): string;
  open(libraryDir: string): PhotoSearchService;
  cli(libraryDir: string, ...argv: string[]): Promise<CliRun>;
  cleanup(): void;
}

export async function createScratch(name: string): Promise<Scratch> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `photo-search-${name}-`));
  const modelDir = path.join(root, 'model');
  await writeTinyModel(modelDir);
  return {
    root,
    modelDir,
    dir: (...parts) => {
      const dir = path.join(root, ...parts);
      fs.mkdirSync(dir, { recursive: true });
      return dir;
    },
    open: (libraryDir) => PhotoSearchService.open({ libraryDir, modelDir, intraOpThreads: 1 }),
    cli: (libraryDir, ...argv) => runCli([...argv, '--library', libraryDir, '--model', modelDir]),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** A small plain photo of one colour; `.png` names get a PNG, anything else a JPEG. `file` may be a Buffer path (its folder must exist). */
export async function writePhoto(file: string | Buffer, colour: Colour, size = { width: 96, height: 64 }): Promise<void> {
  const spec = { colour, pattern: 'plain' as const, ...size };
  const probe = path.join(os.tmpdir(), `photo-search-probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const isPng = (typeof file === 'string' ? file : file.toString('latin1')).toLowerCase().endsWith('.png');
  const temp = `${probe}.${isPng ? 'png' : 'jpg'}`;
  if (isPng) await writeSceneImage(temp, spec, 'png');
  else await writeJpegScene(temp, spec);
  if (typeof file === 'string') fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.copyFileSync(temp, file);
  fs.rmSync(temp);
}

/** Every path the library holds, as the engine reports them (keys), sorted. */
export async function libraryPaths(service: PhotoSearchService): Promise<string[]> {
  const { hits } = await service.search({ terms: [{ kind: 'text', text: 'photo', weight: 1 }], k: 10_000 });
  return hits.map((h) => h.path).sort();
}
