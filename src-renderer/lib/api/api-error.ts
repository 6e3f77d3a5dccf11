import type { ApiErrorBody } from '../../../src-main/core/api/contract.ts';

/** An engine error as the interface sees it: a stable code and a message meant for the user. */
export class ApiError extends Error implements ApiErrorBody {
  override readonly name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly subject?: string,
  ) {
    super(message);
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as ApiErrorBody).code === 'string' && typeof (value as ApiErrorBody).message === 'string';
}

/** Electron prefixes errors that crossed IPC with this; the user only needs the engine's sentence. */
const IPC_PREFIX = /^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/;

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isErrorBody(err)) return new ApiError(err.code, err.message.replace(IPC_PREFIX, ''), err.subject);
  if (err instanceof Error) return new ApiError('internal', err.message.replace(IPC_PREFIX, ''));
  return new ApiError('internal', String(err));
}

export function errorBodyOf(value: unknown): ApiErrorBody | null {
  return isErrorBody(value) ? value : null;
}
