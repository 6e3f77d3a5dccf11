/**
 * Indexes a folder into a library and then dies at once (SIGKILL), the way a
 * crash or a power cut right after a run ends would: nothing is closed.
 * Usage: index-then-die.ts <library> <model> <folder>
 */
import { PhotoSearchService } from '../../src-main/core/api/service.ts';

const [libraryDir, modelDir, folder] = process.argv.slice(2);
const service = PhotoSearchService.open({ libraryDir, modelDir, intraOpThreads: 1 });
const run = await service.index({ paths: [folder] });
process.stdout.write(`${JSON.stringify(run)}\n`, () => process.kill(process.pid, 'SIGKILL'));
