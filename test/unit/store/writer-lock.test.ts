import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WriterLock, describeHolder } from '../../../src-main/core/store/writer-lock.ts';

let dir: string;
const locks: WriterLock[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-writer-lock-'));
});
afterEach(() => {
  for (const lock of locks.splice(0)) while (lock.isHeld) lock.release();
  fs.rmSync(dir, { recursive: true, force: true });
});

function lock(): WriterLock {
  const l = new WriterLock(dir);
  locks.push(l);
  return l;
}

describe('WriterLock', () => {
  it('lets one holder at a time in, says who holds it, and passes on when released', () => {
    const first = lock();
    const second = lock();
    expect(first.tryAcquire('indexing')).toBe(true);
    expect(second.tryAcquire('indexing')).toBe(false);
    expect(describeHolder(second.holder())).toMatch(new RegExp(`process ${process.pid} .*indexing since`));
    first.release();
    expect(second.tryAcquire('indexing')).toBe(true);
  });

  it('is re-entrant within one holder and released with the last release', () => {
    const mine = lock();
    const other = lock();
    expect(mine.tryAcquire('indexing')).toBe(true);
    expect(mine.ifFree('saving the search index', () => 'saved')).toBe('saved');
    expect(other.ifFree('saving the search index', () => 'saved')).toBeNull();
    mine.release();
    expect(other.tryAcquire('indexing')).toBe(true);
  });

  it('waits for the holder, telling who it waits for once, and stops waiting when aborted', async () => {
    const holder = lock();
    holder.tryAcquire('indexing');
    const told: string[] = [];
    const waiting = lock().acquire('indexing', { onWait: (h) => told.push(describeHolder(h)) });
    expect(told).toEqual([expect.stringMatching(/indexing since/)]);
    holder.release();
    await waiting;
    expect(told).toHaveLength(1);

    const abort = new AbortController();
    const stopped = lock().acquire('indexing', { signal: abort.signal });
    abort.abort();
    await expect(stopped).rejects.toThrow();
  });
});
