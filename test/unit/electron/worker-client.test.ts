import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { operations } from '../../../src-main/core/api/contract.ts';
import type { EngineStatus } from '../../../src-main/electron/channels.ts';
import { EngineCallError, ShellError } from '../../../src-main/electron/shell-errors.ts';
import { WorkerClient, defaultBackoff, restartDelay, type WorkerClientOptions, type WorkerHandle } from '../../../src-main/electron/worker-client.ts';
import type { FromWorker, ToWorker } from '../../../src-main/electron/worker-protocol.ts';
import { samplePhoto, sampleProgress } from './fakes.ts';

/** A stand-in for the engine process: records what it is sent; the test decides what it answers and when it dies. */
class FakeWorker implements WorkerHandle {
  readonly received: ToWorker[] = [];
  killed = false;
  private messageListeners: ((message: unknown) => void)[] = [];
  private exitListeners: ((code: number) => void)[] = [];
  postMessage(message: ToWorker): void {
    this.received.push(message);
  }
  kill(): void {
    this.killed = true;
    this.exit(15);
  }
  onMessage(listener: (message: unknown) => void): void {
    this.messageListeners.push(listener);
  }
  onExit(listener: (code: number) => void): void {
    this.exitListeners.push(listener);
  }
  send(message: FromWorker | unknown): void {
    for (const listener of this.messageListeners) listener(message);
  }
  exit(code: number): void {
    for (const listener of this.exitListeners) listener(code);
  }
  calls(): Extract<ToWorker, { type: 'call' }>[] {
    return this.received.filter((m): m is Extract<ToWorker, { type: 'call' }> => m.type === 'call');
  }
}

function setup(opts: { spawnFails?: number; probe?: WorkerClientOptions['probe'] } = {}) {
  const workers: FakeWorker[] = [];
  let failures = opts.spawnFails ?? 0;
  const statuses: EngineStatus[] = [];
  const events: [string, unknown][] = [];
  const log = vi.fn<(message: string) => void>();
  const client = new WorkerClient({
    spawn: () => {
      if (failures-- > 0) throw new Error('spawn EACCES');
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
    config: { libraryDir: '/lib', modelDir: null },
    onEvent: (name, data) => {
      if (name === 'engine-status') statuses.push(data as EngineStatus);
      else events.push([name, data]);
    },
    log,
    shutdownGraceMs: 5_000,
    probe: opts.probe,
  });
  const current = () => workers[workers.length - 1];
  return { client, workers, current, statuses, events, log };
}

async function rejection(promise: Promise<unknown>): Promise<ShellError | EngineCallError> {
  try {
    await promise;
  } catch (err) {
    return err as ShellError | EngineCallError;
  }
  throw new Error('expected a rejection');
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('decoding a suspect photo for the engine', () => {
  const job = { file: '/photos/a.jpg', spec: { size: 224 } };

  it('runs the probe the engine asks for and sends the verdict back under the same id', async () => {
    const probe = vi.fn(async () => ({ kind: 'crashed' as const, how: 'exited with code 134' }));
    const { client, current } = setup({ probe });
    client.start();
    current().send({ type: 'ready' });
    current().send({ type: 'probe', id: 7, job });
    await vi.runAllTimersAsync();
    expect(probe).toHaveBeenCalledWith(job);
    expect(current().received).toContainEqual({ type: 'probe-result', id: 7, verdict: { kind: 'crashed', how: 'exited with code 134' } });
  });

  it('says no decoder process is available when the shell has none, so the engine does not wait', async () => {
    const { client, current } = setup();
    client.start();
    current().send({ type: 'probe', id: 1, job });
    await vi.runAllTimersAsync();
    expect(current().received).toContainEqual({ type: 'probe-result', id: 1, verdict: { kind: 'unavailable', why: expect.any(String) } });
  });

  it('ignores a probe request of the wrong shape', async () => {
    const probe = vi.fn();
    const { client, current, log } = setup({ probe });
    client.start();
    current().send({ type: 'probe', id: 1, job: { file: 42 } });
    await vi.runAllTimersAsync();
    expect(probe).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('malformed'));
  });
});

describe('restartDelay', () => {
  it.each([
    [1, 500],
    [2, 1_000],
    [3, 2_000],
    [6, 16_000],
    [7, 30_000],
    [50, 30_000],
  ])('crash %i in a row waits %i ms', (crashes, ms) => {
    expect(restartDelay(crashes, defaultBackoff)).toBe(ms);
  });
});

describe('WorkerClient: calls', () => {
  it('tells the engine which library to open, then waits for ready before sending calls', async () => {
    const { client, current } = setup();
    client.start();
    const status = client.api.photo({ id: 7 });
    expect(current().received).toEqual([{ type: 'init', libraryDir: '/lib', modelDir: null }]);
    current().send({ type: 'ready' });
    expect(current().calls()).toEqual([{ type: 'call', id: 1, op: 'photo', input: { id: 7 } }]);
    current().send({ type: 'reply', id: 1, ok: true, value: samplePhoto });
    await expect(status).resolves.toEqual(samplePhoto);
  });

  it('exposes one function per contract operation', () => {
    const { client } = setup();
    expect(Object.keys(client.api).sort()).toEqual(Object.keys(operations).sort());
  });

  it('correlates concurrent calls answered out of order', async () => {
    const { client, current } = setup();
    client.start();
    current().send({ type: 'ready' });
    const a = client.call('photo', { id: 1 });
    const b = client.call('photoPath', { id: 2 });
    const c = client.call('thumbnailFile', { id: 3, size: 256 });
    const [ca, cb, cc] = current().calls();
    expect(new Set([ca.id, cb.id, cc.id]).size).toBe(3);
    current().send({ type: 'reply', id: cc.id, ok: true, value: '/thumbs/3.webp' });
    current().send({ type: 'reply', id: ca.id, ok: true, value: { ...samplePhoto, id: 1 } });
    current().send({ type: 'reply', id: cb.id, ok: false, error: { code: 'not-found', message: 'Photo 2 is not in the library.' } });
    await expect(c).resolves.toBe('/thumbs/3.webp');
    await expect(a).resolves.toMatchObject({ id: 1 });
    const err = await rejection(b);
    expect(err).toBeInstanceOf(EngineCallError);
    expect((err as EngineCallError).body).toEqual({ code: 'not-found', message: 'Photo 2 is not in the library.' });
  });

  it('times a call out and ignores its late reply', async () => {
    const { client, current } = setup();
    client.start();
    current().send({ type: 'ready' });
    const call = client.call('photo', { id: 1 });
    const settled = rejection(call);
    await vi.advanceTimersByTimeAsync(10_000);
    const err = await settled;
    expect(err).toBeInstanceOf(ShellError);
    expect((err as ShellError).code).toBe('engine-timeout');
    expect(err.message).toContain('photo');
    current().send({ type: 'reply', id: current().calls()[0].id, ok: true, value: samplePhoto });
    const next = client.call('photo', { id: 2 });
    current().send({ type: 'reply', id: current().calls()[1].id, ok: true, value: { ...samplePhoto, id: 2 } });
    await expect(next).resolves.toMatchObject({ id: 2 });
  });

  it('times out a call queued while the engine never becomes ready', async () => {
    const { client } = setup();
    client.start();
    const settled = rejection(client.call('photoPath', { id: 1 }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(((await settled) as ShellError).code).toBe('engine-timeout');
  });

  it('lets an index run last as long as it takes', async () => {
    const { client, current } = setup();
    client.start();
    current().send({ type: 'ready' });
    const run = client.api.index({});
    await vi.advanceTimersByTimeAsync(6 * 3600_000);
    current().send({ type: 'reply', id: current().calls()[0].id, ok: true, value: sampleProgress });
    await expect(run).resolves.toEqual(sampleProgress);
  });

  it('forwards engine events and drops malformed messages', () => {
    const { client, current, events, log } = setup();
    client.start();
    current().send({ type: 'ready' });
    current().send({ type: 'event', name: 'index-progress', data: sampleProgress });
    current().send({ type: 'event', name: 'not-an-event', data: 1 });
    current().send({ type: 'reply', id: -4, ok: true, value: 1 });
    current().send('garbage');
    expect(events).toEqual([['index-progress', sampleProgress]]);
    expect(log).toHaveBeenCalledTimes(3);
  });
});

describe('WorkerClient: crashes', () => {
  it('fails the calls in flight, restarts with back-off and delivers calls made meanwhile', async () => {
    const { client, workers, current, statuses } = setup();
    client.start();
    current().send({ type: 'ready' });
    const inFlight = rejection(client.call('thumbnailFile', { id: 9, size: 256 }));
    current().exit(139);
    const err = (await inFlight) as ShellError;
    expect(err.code).toBe('engine-crashed');
    expect(err.message).toContain('thumbnailFile');
    expect(statuses.at(-1)).toEqual({ state: 'restarting', message: expect.stringContaining('139'), retryInMs: 500 });

    const meanwhile = client.call('photoPath', { id: 1 });
    await vi.advanceTimersByTimeAsync(499);
    expect(workers).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(workers).toHaveLength(2);
    current().send({ type: 'ready' });
    expect(current().calls()).toEqual([{ type: 'call', id: 2, op: 'photoPath', input: { id: 1 } }]);
    current().send({ type: 'reply', id: 2, ok: true, value: '/photos/a.jpg' });
    await expect(meanwhile).resolves.toBe('/photos/a.jpg');
    expect(statuses.at(-1)?.state).toBe('ready');
  });

  it('doubles the delay for each crash in a row, up to the cap', async () => {
    const { client, workers, current, statuses } = setup();
    client.start();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      current().exit(1);
      const delay = statuses.at(-1)!.retryInMs!;
      delays.push(delay);
      await vi.advanceTimersByTimeAsync(delay);
    }
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(workers).toHaveLength(9);
  });

  it('starts the back-off over after the engine stayed up long enough', async () => {
    const { client, current, statuses } = setup();
    client.start();
    current().exit(1);
    await vi.advanceTimersByTimeAsync(500);
    current().exit(1);
    expect(statuses.at(-1)!.retryInMs).toBe(1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    current().send({ type: 'ready' });
    await vi.advanceTimersByTimeAsync(defaultBackoff.stableMs);
    current().exit(1);
    expect(statuses.at(-1)!.retryInMs).toBe(500);
  });

  it('retries with back-off when the process cannot even be spawned', async () => {
    const { client, workers, statuses } = setup({ spawnFails: 2 });
    client.start();
    expect(statuses.at(-1)).toMatchObject({ state: 'restarting', retryInMs: 500 });
    await vi.advanceTimersByTimeAsync(500);
    expect(statuses.at(-1)).toMatchObject({ state: 'restarting', retryInMs: 1_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(workers).toHaveLength(1);
  });

  it('ignores exits and messages of a process it already replaced', async () => {
    const { client, workers, current } = setup();
    client.start();
    const first = current();
    first.exit(1);
    await vi.advanceTimersByTimeAsync(500);
    current().send({ type: 'ready' });
    const call = client.call('photoPath', { id: 1 });
    first.exit(1);
    first.send({ type: 'reply', id: 1, ok: true, value: '/wrong' });
    current().send({ type: 'reply', id: 1, ok: true, value: '/right' });
    await expect(call).resolves.toBe('/right');
    expect(workers).toHaveLength(2);
  });
});

describe('WorkerClient: quarantine', () => {
  async function crashWhile(client: WorkerClient, current: () => FakeWorker, calls: [number, number][]) {
    const settled = calls.map(([id, size]) => rejection(client.call('thumbnailFile', { id, size })));
    current().exit(139);
    await Promise.all(settled);
    await vi.advanceTimersByTimeAsync(60_000);
    current().send({ type: 'ready' });
  }

  it('refuses, without asking the engine, a thumbnail that was in flight at two crashes', async () => {
    const { client, current } = setup();
    client.start();
    current().send({ type: 'ready' });
    await crashWhile(client, current, [
      [9, 256],
      [10, 256],
    ]);
    await crashWhile(client, current, [
      [9, 256],
      [11, 256],
    ]);
    const err = (await rejection(client.call('thumbnailFile', { id: 9, size: 256 }))) as ShellError;
    expect(err.code).toBe('engine-quarantined');
    expect(current().calls()).toEqual([]);
    void client.call('thumbnailFile', { id: 10, size: 256 });
    void client.call('thumbnailFile', { id: 9, size: 128 });
    expect(
      current()
        .calls()
        .map((c) => c.input),
    ).toEqual([
      { id: 10, size: 256 },
      { id: 9, size: 128 },
    ]);
  });

  it('never quarantines other operations', async () => {
    const { client, current } = setup();
    client.start();
    current().send({ type: 'ready' });
    for (let i = 0; i < 3; i++) {
      const run = rejection(client.api.index({}));
      current().exit(139);
      await run;
      await vi.advanceTimersByTimeAsync(60_000);
      current().send({ type: 'ready' });
    }
    void client.api.index({});
    expect(current().calls()).toHaveLength(1);
  });
});

describe('WorkerClient: stop', () => {
  it('asks the engine to shut down, waits for it, and does not restart it', async () => {
    const { client, workers, current, statuses } = setup();
    client.start();
    current().send({ type: 'ready' });
    const stopped = client.stop();
    expect(current().received.at(-1)).toEqual({ type: 'shutdown' });
    current().exit(0);
    await stopped;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(workers).toHaveLength(1);
    expect(statuses.at(-1)?.state).toBe('stopped');
    expect(((await rejection(client.call('photoPath', { id: 1 }))) as ShellError).code).toBe('engine-stopped');
  });

  it('kills an engine that does not exit in time', async () => {
    const { client, current } = setup();
    client.start();
    current().send({ type: 'ready' });
    const stopped = client.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    await stopped;
    expect(current().killed).toBe(true);
  });

  it('fails pending calls and cancels a scheduled restart', async () => {
    const { client, workers, current } = setup();
    client.start();
    const queued = rejection(client.call('photoPath', { id: 1 }));
    current().exit(1);
    await client.stop();
    expect(((await queued) as ShellError).code).toBe('engine-stopped');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(workers).toHaveLength(1);
  });
});
