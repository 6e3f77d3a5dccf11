import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { ModelError, errorMessage } from '../errors.ts';
import { externalDataOf } from './mapped-weights.ts';

const EDGE_BYTES = 1024 * 1024;

/**
 * Short fingerprint of weight files from their sizes and first and last megabyte:
 * cheap on 600 MB models, and any re-export or different checkpoint changes the
 * protobuf header or the trailing tensors. A model saved with its weights in an external
 * data file (externalDataOf) keeps only the graph in the
 * `.onnx` file, so that file is fingerprinted too when it exists: another checkpoint
 * copied over it must not keep the model's id and the library's old embeddings.
 */
export async function weightsFingerprint(files: readonly string[], dir: string): Promise<string> {
  const hash = createHash('sha256');
  const withData = files.flatMap((file) => (existsSync(externalDataOf(file)) ? [file, externalDataOf(file)] : [file]));
  for (const file of withData) {
    try {
      const handle = await open(file, 'r');
      try {
        const { size } = await handle.stat();
        hash.update(`${size}\n`);
        const head = Buffer.alloc(Math.min(size, EDGE_BYTES));
        await handle.read(head, 0, head.length, 0);
        hash.update(head);
        const tailStart = Math.max(head.length, size - EDGE_BYTES);
        const tail = Buffer.alloc(size - tailStart);
        await handle.read(tail, 0, tail.length, tailStart);
        hash.update(tail);
      } finally {
        await handle.close();
      }
    } catch (err) {
      throw new ModelError('model-invalid', dir, `Cannot read ${file}: ${errorMessage(err)}`, { cause: err });
    }
  }
  return hash.digest('hex').slice(0, 12);
}
