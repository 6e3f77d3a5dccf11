import { z } from 'zod';
import { InputError, PhotoSearchError, errorMessage } from '../errors.ts';
import { operations, type ApiErrorBody, type OperationName, type OperationOutputs, type PhotoSearchApi } from './contract.ts';

export function isOperation(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}

/**
 * The boundary every front end goes through: the operation must be in the
 * contract and its input must match the schema before the service sees it.
 */
export async function dispatch(api: PhotoSearchApi, name: string, rawInput: unknown): Promise<OperationOutputs[OperationName]> {
  if (!isOperation(name)) throw new InputError(name, `Unknown operation "${name}".`);
  const parsed = operations[name].input.safeParse(rawInput ?? {});
  if (!parsed.success) throw new InputError(JSON.stringify(rawInput)?.slice(0, 200) ?? '', `Invalid input for ${name}: ${z.prettifyError(parsed.error)}`);
  const call = api[name] as (input: unknown) => Promise<OperationOutputs[OperationName]>;
  return call.call(api, parsed.data);
}

export function toErrorBody(err: unknown): ApiErrorBody {
  if (err instanceof PhotoSearchError) return { code: err.code, message: err.message, subject: err.subject };
  return { code: 'internal', message: errorMessage(err) };
}

/** HTTP status for an error body: the caller's mistake, a missing thing, or ours. */
export function statusFor(body: ApiErrorBody): number {
  if (body.code === 'invalid-input') return 400;
  if (body.code === 'not-found') return 404;
  if (body.code === 'model-missing') return 409;
  return 500;
}
