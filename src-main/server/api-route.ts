import type { IncomingMessage, ServerResponse } from 'node:http';
import { dispatch, isOperation, statusFor, toErrorBody } from '../core/api/dispatch.ts';
import { BodyError, readJsonBody } from './body.ts';
import type { ServedEngine } from './engine.ts';
import { sendError, sendJson } from './respond.ts';

/** POST /api/<operation>: the JSON body is the operation's input, the response its output or an ApiErrorBody. */
export async function serveOperation(engine: ServedEngine, req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  if (!isOperation(name)) {
    sendError(res, 404, { code: 'not-found', message: `Unknown operation "${name}".`, subject: name });
    return;
  }
  let input: unknown;
  try {
    input = await readJsonBody(req);
  } catch (err) {
    if (!(err instanceof BodyError)) throw err;
    res.setHeader('Connection', 'close');
    sendError(res, err.status, { code: 'invalid-input', message: err.message });
    return;
  }
  try {
    sendJson(res, 200, await dispatch(engine, name, input));
  } catch (err) {
    const body = toErrorBody(err);
    sendError(res, statusFor(body), body);
  }
}
