/**
 * The engine side of the worker protocol: opens the library when told where it
 * is, answers calls from the main process with the service and forwards the
 * service's events. Plain Node, so it is tested without Electron; worker.ts
 * binds it to process.parentPort.
 */
import { type z } from 'zod';
import type { ApiErrorBody, EngineEvents, PhotoSearchApi } from '../core/api/contract.ts';
import type { DecodeProbe, ProbeVerdict } from '../core/api/decode-probe.ts';
import { dispatch, toErrorBody } from '../core/api/dispatch.ts';
import { InputError, errorMessage } from '../core/api/errors.ts';
import { inputProblems } from '../core/api/input-problems.ts';
import { engineEventNames } from './channels.ts';
import { internalOperations, parseToWorker, type EngineConfig, type FromWorker, type WorkerOperation } from './worker-protocol.ts';

/** What the host needs from PhotoSearchService. */
export interface EngineService extends PhotoSearchApi {
  readonly events: { on<E extends keyof EngineEvents>(event: E, listener: (data: EngineEvents[E]) => void): () => void };
  thumbnailFile(id: number, size: number): Promise<string>;
  photoPath(id: number): string | null;
  close(): Promise<void>;
}

export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: FromWorker): void;
}

export interface HostOptions {
  port: ParentPortLike;
  /** Opens the library; `decodeProbe` asks the main process to decode a suspect photo in a process of its own. */
  open: (config: EngineConfig, decodeProbe: DecodeProbe) => EngineService;
  exit: (code: number) => void;
  log: (message: string) => void;
}

type HostState =
  | { kind: 'waiting' }
  | { kind: 'open'; engine: EngineService }
  // A library that cannot be opened (newer schema, unreadable file) is reported on
  // every call instead of exiting, which would only make the shell restart us in a loop.
  | { kind: 'failed'; error: ApiErrorBody }
  | { kind: 'closing' };

export function serveEngine({ port, open, exit, log }: HostOptions): void {
  let state: HostState = { kind: 'waiting' };
  const reply = (message: FromWorker) => port.postMessage(message);
  const probes = new Map<number, (verdict: ProbeVerdict) => void>();
  let nextProbe = 1;
  const decodeProbe: DecodeProbe = (file, spec, limits) =>
    new Promise((resolve) => {
      const id = nextProbe++;
      probes.set(id, resolve);
      reply({ type: 'probe', id, job: { file, spec, limits } });
    });

  port.on('message', ({ data }) => {
    const message = parseToWorker(data);
    if (!message) {
      log(`Ignored a malformed message from the main process: ${JSON.stringify(data)?.slice(0, 200)}`);
      return;
    }
    if (message.type === 'init') {
      if (state.kind !== 'waiting') return;
      state = openEngine(message, (config) => open(config, decodeProbe), port, log);
      reply({ type: 'ready' });
      return;
    }
    if (message.type === 'shutdown') {
      const engine = state.kind === 'open' ? state.engine : null;
      if (state.kind === 'closing') return;
      state = { kind: 'closing' };
      void shutdown(engine, exit, log);
      return;
    }
    if (message.type === 'probe-result') {
      probes.get(message.id)?.(message.verdict);
      probes.delete(message.id);
      return;
    }
    const { id, op, input } = message;
    if (state.kind !== 'open') {
      reply({ type: 'reply', id, ok: false, error: refusal(state) });
      return;
    }
    runCall(state.engine, op, input).then(
      (value) => reply({ type: 'reply', id, ok: true, value }),
      (err: unknown) => reply({ type: 'reply', id, ok: false, error: toErrorBody(err) }),
    );
  });
}

function openEngine(config: EngineConfig, open: (config: EngineConfig) => EngineService, port: ParentPortLike, log: HostOptions['log']): HostState {
  try {
    const engine = open(config);
    for (const name of engineEventNames) engine.events.on(name, (data) => port.postMessage({ type: 'event', name, data }));
    return { kind: 'open', engine };
  } catch (err) {
    const error = toErrorBody(err);
    log(`The library in ${config.libraryDir} could not be opened: ${error.message}`);
    return { kind: 'failed', error };
  }
}

function refusal(state: Exclude<HostState, { kind: 'open' }>): ApiErrorBody {
  if (state.kind === 'failed') return state.error;
  if (state.kind === 'closing') return { code: 'engine-stopped', message: 'The engine is shutting down.' };
  return { code: 'engine-not-ready', message: 'The engine has not been told which library to open yet.' };
}

async function runCall(engine: EngineService, op: WorkerOperation, input: unknown): Promise<unknown> {
  if (op === 'thumbnailFile') {
    const { id, size } = parseInternal(op, input);
    return engine.thumbnailFile(id, size);
  }
  if (op === 'photoPath') return engine.photoPath(parseInternal(op, input).id);
  return dispatch(engine, op, input);
}

function parseInternal<N extends keyof typeof internalOperations>(op: N, input: unknown): z.output<(typeof internalOperations)[N]['input']> {
  const parsed = internalOperations[op].input.safeParse(input);
  if (!parsed.success) throw new InputError(JSON.stringify(input)?.slice(0, 200) ?? '', `Invalid input for ${op}: ${inputProblems(parsed.error)}`);
  return parsed.data as z.output<(typeof internalOperations)[N]['input']>;
}

async function shutdown(engine: EngineService | null, exit: (code: number) => void, log: (message: string) => void): Promise<void> {
  try {
    await engine?.close();
    exit(0);
  } catch (err) {
    log(`Closing the library failed: ${errorMessage(err)}`);
    exit(1);
  }
}
