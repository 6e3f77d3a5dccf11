/**
 * Adds a folder to a library without indexing it and closes the library normally.
 * Usage: add-folder-and-close.ts <library> <folder>
 */
import { PhotoSearchService } from '../../src-main/core/api/service.ts';

const [libraryDir, folder] = process.argv.slice(2);
const service = PhotoSearchService.open({ libraryDir });
await service.addFolders({ paths: [folder] });
await service.close();
process.stdout.write('closed\n');
