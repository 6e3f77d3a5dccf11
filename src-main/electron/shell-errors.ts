import type { ApiErrorBody } from '../core/api/contract.ts';
import { toErrorBody } from '../core/api/dispatch.ts';

export type ShellErrorCode =
  /** The caller is not the app's own top-level page. */
  | 'forbidden-sender'
  /** An IPC channel outside the allow-list. */
  | 'unknown-channel'
  | 'invalid-input'
  /** The engine process died while the call was in flight; it is being restarted. */
  | 'engine-crashed'
  /** A call that was in flight each time the engine crashed; refused for the rest of the session. */
  | 'engine-quarantined'
  | 'engine-timeout'
  /** The app is quitting and no longer takes calls. */
  | 'engine-stopped'
  /** The operating system refused an action (open with the default app, reveal). */
  | 'action-failed';

/** A failure in the desktop shell itself (IPC boundary, engine process), not in the engine. */
export class ShellError extends Error {
  override readonly name = 'ShellError';
  constructor(
    readonly code: ShellErrorCode,
    message: string,
    readonly subject?: string,
  ) {
    super(message);
  }
}

/** An error the engine process reported for one call, carried back unchanged. */
export class EngineCallError extends Error {
  override readonly name = 'EngineCallError';
  constructor(readonly body: ApiErrorBody) {
    super(body.message);
  }
}

/** The `{ code, message }` shape for any failure, whichever side raised it. */
export function shellErrorBody(err: unknown): ApiErrorBody {
  if (err instanceof EngineCallError) return err.body;
  if (err instanceof ShellError)
    return err.subject === undefined ? { code: err.code, message: err.message } : { code: err.code, message: err.message, subject: err.subject };
  return toErrorBody(err);
}
