/**
 * Takes a library's writer lock and holds it until killed, like an indexing run
 * in another process would. Prints "holding" once it has it.
 * Usage: hold-writer-lock.ts <library>
 */
import { WriterLock } from '../../src-main/core/store/writer-lock.ts';

const lock = new WriterLock(process.argv[2]);
if (!lock.tryAcquire('indexing')) {
  process.stdout.write('busy\n');
  process.exit(1);
}
process.stdout.write('holding\n');
// The timer keeps the lock reachable: a collected connection would let the lock go.
setInterval(() => lock.holder(), 60_000);
