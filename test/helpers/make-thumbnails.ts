/**
 * Makes a thumbnail of every photo in a library, as a browser or the desktop app
 * asks for them, and prints their paths as JSON.
 * Usage: make-thumbnails.ts <library> <size>
 */
import { PhotoSearchService } from '../../src-main/core/api/service.ts';

const [libraryDir, size] = process.argv.slice(2);
const service = PhotoSearchService.open({ libraryDir });
const ids = service.store.db.prepare('SELECT id FROM photos ORDER BY id').pluck().all() as number[];
const files = await Promise.all(ids.map((id) => service.thumbnailFile(id, Number(size))));
await service.close();
process.stdout.write(`${JSON.stringify(files)}\n`);
