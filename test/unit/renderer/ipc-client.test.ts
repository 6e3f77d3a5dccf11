import { describe, expect, it, vi } from 'vitest';
import type { PhotoSearchApi } from '../../../src-main/core/api/contract.ts';
import { ApiError, toApiError } from '../../../src-renderer/lib/api/api-error.ts';
import { OPERATION_NAMES, type PhotoSearchClient } from '../../../src-renderer/lib/api/client.ts';
import { createIpcClient } from '../../../src-renderer/lib/api/ipc-client.ts';

function bridge(overrides: Partial<PhotoSearchClient> = {}): PhotoSearchClient {
  const operations = Object.fromEntries(OPERATION_NAMES.map((name) => [name, vi.fn(async () => ({ called: name }))])) as unknown as PhotoSearchApi;
  return {
    ...operations,
    onEvent: vi.fn(() => () => {}),
    thumbnailUrl: (id, size) => `photo://thumb/${id}?size=${size}`,
    photoUrl: (id) => `photo://full/${id}`,
    ...overrides,
  };
}

describe('the IPC client', () => {
  it('passes calls, events and URLs through to the preload bridge', async () => {
    const b = bridge();
    const client = createIpcClient(b);
    await expect(client.status({})).resolves.toEqual({ called: 'status' });
    expect(b.status).toHaveBeenCalledWith({});
    const listener = () => {};
    client.onEvent('index-progress', listener);
    expect(b.onEvent).toHaveBeenCalledWith('index-progress', listener);
    expect(client.thumbnailUrl(3, 256)).toBe('photo://thumb/3?size=256');
    expect(client.photoUrl(3)).toBe('photo://full/3');
    expect(client.actions).toBeUndefined();
    expect(client.pathForFile).toBeUndefined();
  });

  it('rejects with the error body the preload rejects with, as an ApiError', async () => {
    const client = createIpcClient(
      bridge({ search: vi.fn(async () => Promise.reject({ code: 'invalid-input', message: 'Invalid input for search: k too big' })) }),
    );
    const error = await client.search({ terms: [{ kind: 'text', text: 'a' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'invalid-input', message: 'Invalid input for search: k too big' });
  });

  it('words engine errors for the desktop app: the model folder field, not a command to run', async () => {
    const message = 'Cannot reach huggingface.co. To install offline, copy a model directory from another machine and run `photo-search models import <dir>`.';
    const client = createIpcClient(
      bridge({ installModel: vi.fn(async () => Promise.reject({ code: 'model-download-failed', message, subject: 'https://huggingface.co' })) }),
    );
    const error = (await client.installModel({ id: 'clip-vit-b32-laion2b' }).catch((e: unknown) => e)) as ApiError;
    expect(error.message).toMatch(/^Cannot reach huggingface\.co\. /);
    expect(error.message).not.toMatch(/photo-search|`/);
    expect(error.message).toContain('Or use a model folder on this computer');
    expect(error.subject).toBe('https://huggingface.co');
  });

  it('reshapes desktop action failures too', async () => {
    const actions = {
      reveal: vi.fn(async () => {}),
      open: vi.fn(async () => Promise.reject({ code: 'not-found', message: 'gone' })),
      copyPath: vi.fn(async () => {}),
      chooseFolders: vi.fn(async () => Promise.reject({ code: 'forbidden-sender', message: 'Only the app window may ask.' })),
      trash: vi.fn(async (ids: number[]) => ({ trashed: ids, failed: [] })),
    };
    const client = createIpcClient(bridge({ actions }));
    await client.actions!.reveal(1);
    expect(actions.reveal).toHaveBeenCalledWith(1);
    await expect(client.actions!.open(1)).rejects.toMatchObject({ code: 'not-found', message: 'gone' });
    await expect(client.actions!.chooseFolders()).rejects.toBeInstanceOf(ApiError);
    await expect(client.actions!.trash([4, 5])).resolves.toEqual({ trashed: [4, 5], failed: [] });
    expect(actions.trash).toHaveBeenCalledWith([4, 5]);
  });

  it('passes the picked folders through', async () => {
    const chooseFolders = vi.fn(async () => ['/home/me/Pictures']);
    const client = createIpcClient(bridge({ actions: { reveal: vi.fn(), open: vi.fn(), copyPath: vi.fn(), chooseFolders, trash: vi.fn() } }));
    await expect(client.actions!.chooseFolders()).resolves.toEqual(['/home/me/Pictures']);
  });
});

describe('toApiError', () => {
  it.each([
    [{ code: 'not-found', message: 'Photo 9 is not in the library.' }, 'not-found', 'Photo 9 is not in the library.'],
    [new Error("Error invoking remote method 'photo-search:search': Error: boom"), 'internal', 'boom'],
    [new Error('plain'), 'internal', 'plain'],
    ['a string', 'internal', 'a string'],
    [{ code: 42, message: 'not a body' }, 'internal', '[object Object]'],
  ])('%#', (input, code, message) => {
    expect(toApiError(input)).toMatchObject({ code, message });
  });
});
