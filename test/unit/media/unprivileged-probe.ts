/**
 * Child process for tests that need a file or folder the process cannot read:
 * runs one media call and prints its result as JSON. See runUnprivileged.
 */
import { MediaError } from '../../../src-main/core/errors.ts';
import { decodeToRaw, openImage } from '../../../src-main/core/media/decode.ts';
import { contentHash } from '../../../src-main/core/media/identity.ts';
import { checkFolderOnline, walkPhotos, type WalkIssue } from '../../../src-main/core/media/walk.ts';

async function run(command: string, target: string): Promise<unknown> {
  switch (command) {
    case 'walk': {
      const issues: WalkIssue[] = [];
      const files: string[] = [];
      for await (const file of walkPhotos(target, { onIssue: (issue) => issues.push(issue) })) files.push(file.path);
      return { files, issues };
    }
    case 'online':
      return checkFolderOnline(target);
    case 'open':
      try {
        await decodeToRaw(await openImage(target));
        return { ok: true };
      } catch (err) {
        return err instanceof MediaError ? { code: err.code, reason: err.reason } : { unexpected: String(err) };
      }
    case 'hash':
      try {
        return { hash: await contentHash(target, 1) };
      } catch (err) {
        return err instanceof MediaError ? { code: err.code, reason: err.reason } : { unexpected: String(err) };
      }
    default:
      throw new Error(`unknown probe command ${command}`);
  }
}

const [command, target] = process.argv.slice(2);
process.stdout.write(JSON.stringify(await run(command, target)));
