/**
 * Messages between the main process and the engine process (utilityProcess).
 * Both sides check what they receive: a message of the wrong shape is dropped
 * and logged, never half-handled.
 */
import { z } from 'zod';
import { operations, type ApiErrorBody, type EngineEvents, type OperationName, type OperationOutputs } from '../core/api/contract.ts';
import type { ProbeJob, ProbeVerdict } from '../core/api/decode-probe.ts';
import { engineEventNames } from './channels.ts';

/**
 * Lookups the shell needs besides the contract, to serve photo:// and the
 * reveal/open/copy actions: a photo is named by id and the engine resolves it.
 */
export const internalOperations = {
  thumbnailFile: { input: z.object({ id: z.number().int().positive(), size: z.number().int().positive() }) },
  photoPath: { input: z.object({ id: z.number().int().positive() }) },
} as const;

export interface InternalOutputs {
  thumbnailFile: string;
  photoPath: string | null;
}

export type InternalOperation = keyof typeof internalOperations;
export type WorkerOperation = OperationName | InternalOperation;
export type WorkerOutputs = OperationOutputs & InternalOutputs;
export type WorkerInputs = { [N in OperationName]: z.input<(typeof operations)[N]['input']> } & {
  [N in InternalOperation]: z.input<(typeof internalOperations)[N]['input']>;
};

export function isWorkerOperation(name: unknown): name is WorkerOperation {
  return typeof name === 'string' && (Object.hasOwn(operations, name) || Object.hasOwn(internalOperations, name));
}

/** Where the engine finds its library; sent once, first, because a utility process's argv layout is not a stable interface. */
export interface EngineConfig {
  libraryDir: string;
  modelDir: string | null;
}

export type ToWorker =
  | ({ type: 'init' } & EngineConfig)
  | { type: 'call'; id: number; op: WorkerOperation; input: unknown }
  | { type: 'probe-result'; id: number; verdict: ProbeVerdict }
  | { type: 'shutdown' };

/**
 * From the engine: a ready signal, replies, events, and requests to decode a
 * suspect photo in a process of its own (only the main process can start one).
 */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: ApiErrorBody }
  | { type: 'event'; name: keyof EngineEvents; data: unknown }
  | { type: 'probe'; id: number; job: ProbeJob };

const callId = z.number().int().positive();
const errorBody = z.object({ code: z.string(), message: z.string(), subject: z.string().optional() });

const verdictSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('decoded') }),
  z.object({ kind: z.literal('failed'), reason: z.string() }),
  z.object({ kind: z.literal('crashed'), how: z.string() }),
  z.object({ kind: z.literal('unavailable'), why: z.string() }),
]);

/** The preprocessing spec is the engine's own, passed through to the decoder process untouched. */
const jobSchema = z.object({
  file: z.string().min(1),
  spec: z.record(z.string(), z.unknown()),
  limits: z.object({ maxPixels: z.number().positive() }).optional(),
});

const toWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init'), libraryDir: z.string().min(1), modelDir: z.string().min(1).nullable() }),
  z.object({ type: z.literal('call'), id: callId, op: z.string().refine(isWorkerOperation), input: z.unknown() }),
  z.object({ type: z.literal('probe-result'), id: callId, verdict: verdictSchema }),
  z.object({ type: z.literal('shutdown') }),
]);

const fromWorkerSchema = z.union([
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('reply'), id: callId, ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('reply'), id: callId, ok: z.literal(false), error: errorBody }),
  z.object({ type: z.literal('event'), name: z.enum(engineEventNames as [keyof EngineEvents, ...(keyof EngineEvents)[]]), data: z.unknown() }),
  z.object({ type: z.literal('probe'), id: callId, job: jobSchema }),
]);

export function parseToWorker(message: unknown): ToWorker | null {
  const parsed = toWorkerSchema.safeParse(message);
  return parsed.success ? parsed.data : null;
}

export function parseFromWorker(message: unknown): FromWorker | null {
  const parsed = fromWorkerSchema.safeParse(message);
  return parsed.success ? (parsed.data as FromWorker) : null;
}
