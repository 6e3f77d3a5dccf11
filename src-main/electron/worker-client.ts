/**
 * The main-process side of the engine process: correlates calls with replies,
 * times them out, and supervises the process, restarting it with back-off when
 * it dies. Knows nothing of Electron: main.ts hands it a spawn function.
 */
import { operations, type OperationName, type PhotoSearchApi } from '../core/api/contract.ts';
import type { ProbeJob, ProbeVerdict } from '../core/api/decode-probe.ts';
import { errorMessage } from '../core/api/errors.ts';
import type { BridgeEvents, EngineStatus } from './channels.ts';
import { EngineCallError, ShellError } from './shell-errors.ts';
import { parseFromWorker, type EngineConfig, type ToWorker, type WorkerInputs, type WorkerOperation, type WorkerOutputs } from './worker-protocol.ts';

/** One running engine process, as the client sees it. */
export interface WorkerHandle {
  postMessage(message: ToWorker): void;
  kill(): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number) => void): void;
}

export interface BackoffPolicy {
  initialMs: number;
  factor: number;
  maxMs: number;
  /** A process that stayed up this long counts as healthy: the next crash starts the back-off over. */
  stableMs: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 500, factor: 2, maxMs: 30_000, stableMs: 60_000 };

/** Delay before restart number `crashes` (1 for the first crash in a row). */
export function restartDelay(crashes: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, crashes - 1));
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Longest wait per call; null waits as long as the call runs. Loading a model
 * happens on the first status or search, hence their margin; an index run, a
 * model download or import lasts as long as it takes and reports progress as
 * events instead.
 */
const timeoutOverrides: Partial<Record<WorkerOperation, number | null>> = {
  status: 120_000,
  search: 120_000,
  useModel: 120_000,
  installModel: null,
  importModel: null,
  forgetFolder: 120_000,
  cancelIndexing: 120_000,
  index: null,
  photo: 10_000,
  photoPath: 10_000,
};

export function defaultTimeoutMs(op: WorkerOperation): number | null {
  return Object.hasOwn(timeoutOverrides, op) ? (timeoutOverrides[op] ?? null) : DEFAULT_TIMEOUT_MS;
}

/**
 * Calls about one file (decoding a photo for its thumbnail) that can crash the
 * engine natively. One that was in flight at this many crashes is refused from
 * then on, so a poison file costs two restarts, not a crash loop. Other calls
 * in flight at the same moment rarely coincide twice.
 */
const quarantinedOps: ReadonlySet<WorkerOperation> = new Set(['thumbnailFile']);
export const QUARANTINE_STRIKES = 2;

export interface WorkerClientOptions {
  spawn: () => WorkerHandle;
  config: EngineConfig;
  onEvent: <E extends keyof BridgeEvents>(name: E, data: BridgeEvents[E]) => void;
  log: (message: string) => void;
  backoff?: BackoffPolicy;
  timeoutMs?: (op: WorkerOperation) => number | null;
  /** How long stop() waits for a clean shutdown before killing the process. */
  shutdownGraceMs?: number;
  /** Decodes a suspect photo in a process of its own, when the engine asks (it cannot start one itself). */
  probe?: (job: ProbeJob) => Promise<ProbeVerdict>;
}

interface PendingCall {
  op: WorkerOperation;
  input: unknown;
  sent: boolean;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout> | null;
}

export class WorkerClient {
  /** The contract, answered by the engine process. */
  readonly api: PhotoSearchApi;
  private worker: WorkerHandle | null = null;
  private ready = false;
  private startedAt = 0;
  private crashes = 0;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private stopping: Promise<void> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, PendingCall>();
  /** Crashes seen per quarantinable call (op and input). */
  private readonly strikes = new Map<string, number>();
  private readonly backoff: BackoffPolicy;
  private readonly timeoutMs: (op: WorkerOperation) => number | null;

  constructor(private readonly opts: WorkerClientOptions) {
    this.backoff = opts.backoff ?? defaultBackoff;
    this.timeoutMs = opts.timeoutMs ?? defaultTimeoutMs;
    const entries = (Object.keys(operations) as OperationName[]).map((name) => [name, (input: unknown) => this.call(name, input as never)]);
    this.api = Object.fromEntries(entries) as PhotoSearchApi;
  }

  start(): void {
    if (this.worker || this.stopping) return;
    this.spawn();
  }

  /** Sends a call; while the engine is (re)starting it waits, within its timeout, for the engine to be ready. */
  call<N extends WorkerOperation>(op: N, input: WorkerInputs[N]): Promise<WorkerOutputs[N]> {
    if (this.stopping) return Promise.reject(new ShellError('engine-stopped', 'The app is quitting; the engine no longer takes calls.', op));
    if ((this.strikes.get(callKey(op, input)) ?? 0) >= QUARANTINE_STRIKES) {
      return Promise.reject(
        new ShellError('engine-quarantined', `${op} stopped the engine ${QUARANTINE_STRIKES} times and is not retried.`, JSON.stringify(input)),
      );
    }
    return new Promise<WorkerOutputs[N]>((resolve, reject) => {
      const id = this.nextId++;
      const limit = this.timeoutMs(op);
      const call: PendingCall = { op, input, sent: false, resolve: resolve as (value: unknown) => void, reject, timer: null };
      if (limit !== null) {
        call.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new ShellError('engine-timeout', `The engine did not answer ${op} within ${Math.round(limit / 1000)} s.`, op));
        }, limit);
      }
      this.pending.set(id, call);
      if (this.ready) this.send(id, call);
    });
  }

  /** Asks the engine to close the library cleanly; kills it if it does not exit in time. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.failPending(
      () => true,
      () => new ShellError('engine-stopped', 'The app is quitting; the call was not run.'),
    );
    const worker = this.worker;
    this.stopping = worker ? this.shutDown(worker) : Promise.resolve();
    this.status({ state: 'stopped', message: null, retryInMs: null });
    return this.stopping;
  }

  private shutDown(worker: WorkerHandle): Promise<void> {
    return new Promise<void>((resolve) => {
      const grace = setTimeout(() => {
        this.opts.log('The engine did not exit in time after shutdown; killing it.');
        worker.kill();
      }, this.opts.shutdownGraceMs ?? 10_000);
      worker.onExit(() => {
        clearTimeout(grace);
        resolve();
      });
      worker.postMessage({ type: 'shutdown' });
    });
  }

  private spawn(): void {
    this.ready = false;
    this.status({ state: 'starting', message: null, retryInMs: null });
    let worker: WorkerHandle;
    try {
      worker = this.opts.spawn();
    } catch (err) {
      this.opts.log(`Starting the engine failed: ${errorMessage(err)}`);
      this.crashed(null, `it could not be started (${errorMessage(err)})`);
      return;
    }
    this.worker = worker;
    this.startedAt = Date.now();
    worker.onMessage((message) => {
      if (this.worker === worker) this.receive(message);
    });
    worker.onExit((code) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.ready = false;
      if (!this.stopping) this.crashed(worker, `it exited with code ${code}`);
    });
    worker.postMessage({ type: 'init', ...this.opts.config });
  }

  private crashed(worker: WorkerHandle | null, why: string): void {
    if (worker && Date.now() - this.startedAt >= this.backoff.stableMs) this.crashes = 0;
    this.crashes++;
    for (const call of this.pending.values()) {
      if (!call.sent || !quarantinedOps.has(call.op)) continue;
      const key = callKey(call.op, call.input);
      this.strikes.set(key, (this.strikes.get(key) ?? 0) + 1);
    }
    this.failPending(
      (call) => call.sent,
      (call) => new ShellError('engine-crashed', `The engine stopped while running ${call.op}: ${why}. It is restarting; try again in a moment.`, call.op),
    );
    const delay = restartDelay(this.crashes, this.backoff);
    this.opts.log(`The engine stopped: ${why}. Restarting in ${delay} ms (crash ${this.crashes} in a row).`);
    this.status({ state: 'restarting', message: `The engine stopped: ${why}.`, retryInMs: delay });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.spawn();
    }, delay);
  }

  private receive(raw: unknown): void {
    const message = parseFromWorker(raw);
    if (!message) {
      this.opts.log(`Ignored a malformed message from the engine: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    if (message.type === 'ready') {
      this.ready = true;
      this.status({ state: 'ready', message: null, retryInMs: null });
      for (const [id, call] of this.pending) if (!call.sent) this.send(id, call);
      return;
    }
    if (message.type === 'event') {
      this.opts.onEvent(message.name, message.data as BridgeEvents[typeof message.name]);
      return;
    }
    if (message.type === 'probe') {
      const worker = this.worker;
      const { id, job } = message;
      const probe = this.opts.probe ?? (async (): Promise<ProbeVerdict> => ({ kind: 'unavailable', why: 'the shell starts no decoder processes' }));
      void probe(job).then((verdict) => worker?.postMessage({ type: 'probe-result', id, verdict }));
      return;
    }
    const call = this.pending.get(message.id);
    // A reply after its timeout finds nothing to settle; the caller already has its error.
    if (!call) return;
    this.settle(message.id, call);
    if (message.ok) call.resolve(message.value);
    else call.reject(new EngineCallError(message.error));
  }

  private send(id: number, call: PendingCall): void {
    call.sent = true;
    this.worker?.postMessage({ type: 'call', id, op: call.op, input: call.input });
  }

  private settle(id: number, call: PendingCall): void {
    if (call.timer) clearTimeout(call.timer);
    this.pending.delete(id);
  }

  private failPending(which: (call: PendingCall) => boolean, error: (call: PendingCall) => Error): void {
    for (const [id, call] of this.pending) {
      if (!which(call)) continue;
      this.settle(id, call);
      call.reject(error(call));
    }
  }

  private status(status: EngineStatus): void {
    this.opts.onEvent('engine-status', status);
  }
}

function callKey(op: WorkerOperation, input: unknown): string {
  return `${op}:${JSON.stringify(input)}`;
}
