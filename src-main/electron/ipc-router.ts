/**
 * The IPC boundary of the desktop app: one channel per contract operation and
 * per desktop action, nothing generic. Every call is checked, in this order:
 * the channel is in the allow-list, the sender is the app's own top-level page,
 * the payload is plain data, and it matches the operation's schema. Only then
 * does it reach the engine. Replies are envelopes, never thrown errors.
 */
import { type z } from 'zod';
import { operations, type ApiErrorBody, type OperationName, type PhotoSearchApi } from '../core/api/contract.ts';
import { inputProblems } from '../core/api/input-problems.ts';
import { chooseFoldersInput, photoActionInput, trashInput, type FolderPicker, type PhotoActions, type TrashInput, type TrashReport } from './actions.ts';
import { actionChannel, operationChannel, type IpcReply, type PhotoActionName } from './channels.ts';
import { isAppTopFrame, type FrameLike } from './frame-origin.ts';
import { payloadProblem } from './payload-guard.ts';
import { shellErrorBody } from './shell-errors.ts';

export interface InvokeEventLike {
  readonly senderFrame: FrameLike | null;
}

/** The part of Electron's ipcMain the router uses; tests pass a fake. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface Route {
  channel: string;
  input: z.ZodType;
  run: (input: unknown) => Promise<unknown>;
}

export function contractRoutes(api: PhotoSearchApi): Route[] {
  return (Object.keys(operations) as OperationName[]).map((name) => ({
    channel: operationChannel(name),
    input: operations[name].input,
    run: (input) => (api[name] as (input: unknown) => Promise<unknown>).call(api, input),
  }));
}

export function actionRoutes(actions: PhotoActions, picker: FolderPicker, trash: (input: TrashInput) => Promise<TrashReport>): Route[] {
  const photoRoutes = (Object.keys(actions) as PhotoActionName[]).map((name) => ({
    channel: actionChannel(name),
    input: photoActionInput,
    run: (input: unknown) => actions[name](input as z.infer<typeof photoActionInput>),
  }));
  return [
    ...photoRoutes,
    { channel: actionChannel('chooseFolders'), input: chooseFoldersInput, run: () => picker.chooseFolders() },
    { channel: actionChannel('trash'), input: trashInput, run: (input: unknown) => trash(input as TrashInput) },
  ];
}

export interface RouterOptions {
  ipcMain: IpcMainLike;
  /** The origin of the app's own page (app://photo-search, or the dev server's). */
  appOrigin: () => string;
  routes: Route[];
  log: (message: string) => void;
}

export interface IpcRouter {
  /** What every registered handler runs; exposed so the checks can be exercised directly. */
  handle(channel: string, event: InvokeEventLike, payload: unknown): Promise<IpcReply>;
  dispose(): void;
}

export function createIpcRouter({ ipcMain, appOrigin, routes, log }: RouterOptions): IpcRouter {
  const byChannel = new Map(routes.map((route) => [route.channel, route]));

  const refuse = (channel: string, error: ApiErrorBody, detail: string): IpcReply => {
    log(`Refused IPC ${channel}: ${detail}`);
    return { ok: false, error };
  };

  const handle = async (channel: string, event: InvokeEventLike, payload: unknown): Promise<IpcReply> => {
    const route = byChannel.get(channel);
    if (!route) return refuse(channel, { code: 'unknown-channel', message: `"${channel}" is not an operation of this app.` }, 'not in the allow-list');
    const frame = event.senderFrame;
    if (!isAppTopFrame(frame, appOrigin())) {
      const from = frame ? `${frame.url || '(no URL)'}${frame.parent ? ' (a subframe)' : ''}` : 'a frame that is gone';
      return refuse(
        channel,
        { code: 'forbidden-sender', message: `Only the app's own window may call ${channel}; the call came from ${from}.` },
        `sender ${from}`,
      );
    }
    const problem = payloadProblem(payload);
    if (problem) return refuse(channel, { code: 'invalid-input', message: `Invalid input for ${channel}: ${problem}.` }, problem);
    const parsed = route.input.safeParse(payload ?? {});
    if (!parsed.success) {
      const message = `Invalid input for ${channel}: ${inputProblems(parsed.error)}`;
      return refuse(channel, { code: 'invalid-input', message }, message);
    }
    try {
      return { ok: true, value: await route.run(parsed.data) };
    } catch (err) {
      return { ok: false, error: shellErrorBody(err) };
    }
  };

  for (const route of routes) ipcMain.handle(route.channel, (event, payload) => handle(route.channel, event, payload));

  return {
    handle,
    dispose() {
      for (const channel of byChannel.keys()) ipcMain.removeHandler(channel);
    },
  };
}
