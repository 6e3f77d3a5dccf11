import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { MediaError, errorMessage } from '../errors.ts';
import type { DecodeLimits } from '../media/decode.ts';
import type { PreprocessSpec } from '../models/types.ts';
import { decodeForModel } from './decode-for-model.ts';

/** What decoding one file in a process of its own showed. */
export type ProbeVerdict =
  /** The file decodes: whatever stopped the app before, it was not this file. */
  | { kind: 'decoded' }
  /** The decoder refused the file with an ordinary error (indexing records it as usual). */
  | { kind: 'failed'; reason: string }
  /** The process died while decoding, or never finished: the file does crash (or hang) the decoder. */
  | { kind: 'crashed'; how: string }
  /** No separate decoder process could be started, so nothing was learnt about the file. */
  | { kind: 'unavailable'; why: string };

/** Decodes `file` to the model's input the way indexing does, in isolation from the caller. */
export type DecodeProbe = (file: string, spec: PreprocessSpec, limits?: DecodeLimits) => Promise<ProbeVerdict>;

/** A decode that takes longer than this counts as a hang; indexing decodes a photo in well under a second. */
export const PROBE_TIMEOUT_MS = 120_000;

const CHILD_ENTRY = fileURLToPath(new URL('./decode-probe-child.ts', import.meta.url));

/** The loader that lets a child Node process run the engine's TypeScript as the CLI does (bin/photo-search.js). */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

/** What the probe asks of a decoder process, and the answers it takes from one. */
export interface ProbeJob {
  file: string;
  spec: PreprocessSpec;
  limits?: DecodeLimits;
}
export type ProbeAnswer = { ready: true } | { ok: true } | { ok: false; reason: string };

const childMessage = z.union([z.object({ ready: z.literal(true) }), z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), reason: z.string() })]);

/**
 * One decoder process as the probe drives it, whatever started it: a Node child
 * process here, an Electron utility process in the desktop app. `start` throws
 * when no process can be started.
 */
export interface ProbeProcess {
  send(job: ProbeJob): void;
  kill(): void;
  onMessage(listener: (message: unknown) => void): void;
  /** `how` names the signal or exit code, for the message. */
  onExit(listener: (how: string) => void): void;
  onError(listener: (err: unknown) => void): void;
  /** The end of the process's error output, when it has one. */
  lastOutput(): string;
}

/**
 * Decodes one job in a decoder process of its own: the process says when it is
 * ready before it is given the file, so a process that dies before that could not
 * start, which says nothing about the file; one that dies or hangs after it did.
 */
export function probeIn(start: () => ProbeProcess, job: ProbeJob): Promise<ProbeVerdict> {
  return new Promise<ProbeVerdict>((resolve) => {
    let child: ProbeProcess;
    try {
      child = start();
    } catch (err) {
      resolve({ kind: 'unavailable', why: errorMessage(err) });
      return;
    }
    let ready = false;
    let answer: ProbeVerdict | null = null;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill();
    }, PROBE_TIMEOUT_MS);
    child.onMessage((raw) => {
      const message = childMessage.safeParse(raw);
      if (!message.success) return;
      if ('ready' in message.data) {
        ready = true;
        child.send(job);
      } else answer = message.data.ok ? { kind: 'decoded' } : { kind: 'failed', reason: message.data.reason };
    });
    child.onError((err) => {
      clearTimeout(timer);
      resolve({ kind: 'unavailable', why: errorMessage(err) });
    });
    child.onExit((how) => {
      clearTimeout(timer);
      if (answer) resolve(answer);
      else if (!ready) resolve({ kind: 'unavailable', why: `the decoder process did not start (${how}): ${child.lastOutput().trim() || 'no message'}` });
      else if (timedOut) resolve({ kind: 'crashed', how: `it did not finish within ${PROBE_TIMEOUT_MS / 1000} s` });
      else resolve({ kind: 'crashed', how: `the decoder ${how}` });
    });
  });
}

/** A decoder process for the probe: a Node child running `entry` (a module that answers as decode-probe-child.ts does). */
function nodeProcess(entry: string): ProbeProcess {
  const child: ChildProcess = fork(entry, [], {
    execArgv: entry.endsWith('.ts') ? ['--import', tsxLoader()] : [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-500)));
  return {
    send: (job) => child.send(job),
    kill: () => child.kill('SIGKILL'),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', (code, signal) => listener(signal ? `was stopped by ${signal}` : `exited with code ${code}`)),
    onError: (listener) => child.on('error', listener),
    lastOutput: () => stderr,
  };
}

/** A probe that decodes in a Node child process running `entry`, so a native crash in a decoder ends that process only. */
export function forkDecodeProbe(entry: string = CHILD_ENTRY): DecodeProbe {
  return (file, spec, limits) => probeIn(() => nodeProcess(entry), { file, spec, limits });
}

/**
 * What a decoder process does with its one job: decode the photo the way indexing
 * does, and say how it went. A native crash on the way ends the process instead.
 */
export async function answerProbe(job: ProbeJob): Promise<ProbeAnswer> {
  try {
    await decodeForModel(job.file, job.spec, job.limits);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: err instanceof MediaError ? err.reason : errorMessage(err) };
  }
}

/**
 * The probe for this runtime: a child Node process when running under Node. Inside
 * Electron a child Node process cannot be started (the packaged app disables
 * ELECTRON_RUN_AS_NODE), so the desktop engine passes its own probe
 * (ServiceOptions.decodeProbe: an Electron utility process, src-main/electron) or gets 'unavailable'.
 */
export function defaultDecodeProbe(): DecodeProbe {
  if (process.versions.electron || !import.meta.url.endsWith('.ts')) {
    return async () => ({ kind: 'unavailable', why: 'no separate decoder process can be started from this app' });
  }
  return forkDecodeProbe();
}
