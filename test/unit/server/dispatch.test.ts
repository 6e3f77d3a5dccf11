import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { operations, type OperationName, type PhotoSearchApi } from '../../../src-main/core/api/contract.ts';
import { dispatch, statusFor, toErrorBody } from '../../../src-main/core/api/dispatch.ts';
import { LibraryError, MediaError, ModelError } from '../../../src-main/core/errors.ts';

/** An engine that records what reached it and answers with `answer`. */
function recordingApi(answer: (name: OperationName, input: unknown) => unknown = () => ({})) {
  const calls: Array<{ name: OperationName; input: unknown }> = [];
  const api = Object.fromEntries(
    Object.keys(operations).map((name) => [
      name,
      async (input: unknown) => {
        calls.push({ name: name as OperationName, input });
        return answer(name as OperationName, input);
      },
    ]),
  ) as unknown as PhotoSearchApi;
  return { api, calls };
}

async function failure(promise: Promise<unknown>) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (err === null) throw new Error('expected the call to fail');
  const body = toErrorBody(err);
  return { body, status: statusFor(body) };
}

const nested = (depth: number) => JSON.parse(`{"terms":${'['.repeat(depth)}${']'.repeat(depth)}}`) as unknown;

describe('dispatch: input the client got wrong is a 4xx, never a 500', () => {
  it.each([100, 10_000, 100_000])('refuses terms nested %i deep with 400 and a plain message', async (depth) => {
    const { api, calls } = recordingApi();
    const { body, status } = await failure(dispatch(api, 'search', nested(depth)));
    expect(status).toBe(400);
    expect(body.code).toBe('invalid-input');
    expect(body.message).toMatch(/search/);
    expect(body.message).not.toMatch(/call stack/i);
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['a file that is not an image', new MediaError('unsupported-format', '/etc/hostname', 'not an image'), 422],
    ['an image that does not decode', new MediaError('decode-failed', '/tmp/x.jpg', 'corrupt or truncated image'), 422],
    ['an image file that cannot be read', new MediaError('file-unreadable', '/tmp/gone.jpg', 'not found'), 422],
    ['an image with too many pixels', new MediaError('too-large', '/tmp/huge.png', '100000 x 100000 pixels'), 422],
    ['a photo id that is not in the library', new LibraryError('not-found', '99', 'Photo 99 is not in the library.'), 404],
    ['a search before any model is set up', new ModelError('model-missing', '/lib/models', 'No model is set up.'), 409],
    ['a folder that is offline', new LibraryError('folder-offline', '/mnt/photos', '/mnt/photos: not found'), 409],
  ])('answers a bad image term or request (%s) with its 4xx', async (_case, error, expected) => {
    const { api } = recordingApi(() => {
      throw error;
    });
    const { body, status } = await failure(dispatch(api, 'search', { terms: [{ kind: 'file', path: '/tmp/query.jpg' }] }));
    expect(status).toBe(expected);
    expect(body.subject).toBe(error.subject);
  });

  it('keeps 500 for faults of the engine itself', async () => {
    const { api } = recordingApi(() => {
      throw new Error('disk I/O error');
    });
    expect((await failure(dispatch(api, 'status', {}))).status).toBe(500);
  });
});

describe('dispatch: paths as people type them', () => {
  const home = os.homedir();
  const pictures = path.join(home, 'Pictures');

  it.each([
    ['~/Pictures', pictures],
    ['~', home],
    ['"~/Pictures"', pictures],
    [`"${pictures}"`, pictures],
    [`'${pictures}'`, pictures],
    [`  ${pictures}/  `, pictures],
    [pathToFileURL(path.join(home, 'My Photos')).href, path.join(home, 'My Photos')],
    ['/photos/Family/../Trips', '/photos/Trips'],
  ])('reads the folder %s as %s', async (typed, meant) => {
    const { api, calls } = recordingApi(() => []);
    await dispatch(api, 'addFolders', { paths: [typed] });
    expect(calls[0].input).toEqual({ paths: [meant] });
  });

  it('reads every path an operation takes the same way', async () => {
    const { api, calls } = recordingApi(() => ({ hits: [], model: 'm', tookMs: 1 }));
    await dispatch(api, 'forgetFolder', { path: '~/Pictures' });
    await dispatch(api, 'index', { paths: ['"~/Pictures"'] });
    await dispatch(api, 'importModel', { path: '~/models/clip' });
    await dispatch(api, 'search', { terms: [{ kind: 'file', path: "'~/beach.jpg'" }], filters: { folders: ['~/Pictures'] } });
    expect(calls[0].input).toEqual({ path: pictures });
    expect(calls[1].input).toEqual({ paths: [pictures] });
    expect(calls[2].input).toMatchObject({ path: path.join(home, 'models', 'clip') });
    expect(calls[3].input).toMatchObject({ terms: [{ kind: 'file', path: path.join(home, 'beach.jpg') }], filters: { folders: [pictures] } });
  });

  it.each(['Pictures', './Pictures', '~someone/Pictures', ''])('refuses the relative path "%s" with an example of a full one', async (typed) => {
    const { api, calls } = recordingApi();
    const { body, status } = await failure(dispatch(api, 'addFolders', { paths: [typed || ' '] }));
    expect(status).toBe(400);
    expect(body.message).toContain(pictures);
    expect(body.message).not.toMatch(/ENOENT|lstat|zod|✖/);
    expect(calls).toHaveLength(0);
  });
});
