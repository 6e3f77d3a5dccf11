import path from 'node:path';
import { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { jpegSceneBuffer } from '../../test/fixtures/photos.ts';
import { COLOURS, PATTERNS } from '../../test/fixtures/scenes.ts';
import { buildOnce, cachePaths } from '../cache.ts';
import { mkdir, writeFile } from 'node:fs/promises';

const LIBRARY_VERSION = 1;
const PHOTOS_PER_FOLDER = 500;
const FIRST_TAKEN = new Date(2015, 0, 1).getTime();

export interface IncrementalLibrary {
  photosDir: string;
  libraryDir: string;
}

/**
 * `count` small JPEGs on disk (distinct content: each has its own EXIF date) in
 * folders of 500, indexed once with `modelDir`: the state a re-index of an
 * unchanged library starts from.
 */
export async function ensureIncrementalLibrary(count: number, modelDir: string, log: (line: string) => void): Promise<IncrementalLibrary> {
  const dir = path.join(cachePaths.libraries, `incremental-${count}`);
  const photosDir = path.join(dir, 'photos');
  const libraryDir = path.join(dir, 'library');
  await buildOnce(dir, { version: LIBRARY_VERSION, count }, async () => {
    log(`writing ${count} small JPEGs and indexing them once in ${path.relative(process.cwd(), dir)}`);
    for (let i = 0; i < count; i++) {
      const folder = path.join(photosDir, `folder-${String(Math.floor(i / PHOTOS_PER_FOLDER)).padStart(3, '0')}`);
      if (i % PHOTOS_PER_FOLDER === 0) await mkdir(folder, { recursive: true });
      const spec = {
        colour: COLOURS[i % COLOURS.length],
        pattern: PATTERNS[Math.floor(i / COLOURS.length) % PATTERNS.length],
        width: 96,
        height: 72,
        phase: (i % 97) / 97,
      };
      await writeFile(path.join(folder, `IMG_${String(i).padStart(5, '0')}.jpg`), await jpegSceneBuffer(spec, { takenAt: new Date(FIRST_TAKEN + i * 60_000) }));
    }
    const service = PhotoSearchService.open({ libraryDir, modelDir });
    try {
      const done = await service.index({ paths: [photosDir] });
      if (done.embedded !== count) throw new Error(`indexing the incremental library embedded ${done.embedded} of ${count} photos (${done.failed} failed)`);
    } finally {
      await service.close();
    }
    return {};
  });
  return { photosDir, libraryDir };
}
