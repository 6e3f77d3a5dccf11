import { describe, expect, it, vi } from 'vitest';
import { createPhotoActions, createTrashAction, oneDialogAtATime, trashInput } from '../../../src-main/electron/actions.ts';

function setup(openResult = '') {
  const shell = { showItemInFolder: vi.fn(), openPath: vi.fn(async () => openResult) };
  const clipboard = { writeText: vi.fn() };
  const photoPath = vi.fn(async (id: number) => (id === 1 ? '/photos/a.jpg' : null));
  return { shell, clipboard, photoPath, actions: createPhotoActions({ photoPath, shell, clipboard }) };
}

describe('photo actions', () => {
  it('resolve the id through the engine and act on that path only', async () => {
    const { shell, clipboard, photoPath, actions } = setup();
    await actions.reveal({ id: 1 });
    await actions.open({ id: 1 });
    await actions.copyPath({ id: 1 });
    expect(photoPath).toHaveBeenCalledTimes(3);
    expect(shell.showItemInFolder).toHaveBeenCalledWith('/photos/a.jpg');
    expect(shell.openPath).toHaveBeenCalledWith('/photos/a.jpg');
    expect(clipboard.writeText).toHaveBeenCalledWith('/photos/a.jpg');
  });

  it.each(['reveal', 'open', 'copyPath'] as const)('%s refuses an id the library does not know', async (name) => {
    const { shell, clipboard, actions } = setup();
    await expect(actions[name]({ id: 2 })).rejects.toMatchObject({ code: 'not-found' });
    expect(shell.showItemInFolder).not.toHaveBeenCalled();
    expect(shell.openPath).not.toHaveBeenCalled();
    expect(clipboard.writeText).not.toHaveBeenCalled();
  });

  it('reports when the system cannot open the file', async () => {
    const { actions } = setup('No application is registered for this file type');
    await expect(actions.open({ id: 1 })).rejects.toMatchObject({ code: 'action-failed', message: expect.stringContaining('No application') });
  });
});

describe('the folder picker', () => {
  it('shows one dialog at a time: a request while it is open shares its answer', async () => {
    let answer: (paths: string[]) => void = () => {};
    const show = vi.fn(() => new Promise<string[]>((resolve) => (answer = resolve)));
    const choose = oneDialogAtATime(show);
    const first = choose();
    const second = choose();
    answer(['/photos']);
    expect(await Promise.all([first, second])).toEqual([['/photos'], ['/photos']]);
    expect(show).toHaveBeenCalledOnce();
  });

  it('shows a new dialog once the last one was answered, cancelled or failed', async () => {
    const answers = [Promise.resolve(['/a']), Promise.resolve([]), Promise.reject(new Error('no window')), Promise.resolve(['/b'])];
    const choose = oneDialogAtATime(() => answers.shift()!);
    expect(await choose()).toEqual(['/a']);
    expect(await choose()).toEqual([]);
    await expect(choose()).rejects.toThrow('no window');
    expect(await choose()).toEqual(['/b']);
  });
});

describe('move to trash', () => {
  function trashSetup(refuse: string | null = null) {
    const paths: Record<number, string> = { 1: '/photos/a.jpg', 2: '/photos/b.jpg', 3: '/photos/c.jpg' };
    const photoPath = vi.fn(async (id: number) => paths[id] ?? null);
    const trashItem = vi.fn(async (file: string) => {
      if (file === refuse) throw new Error('Permission denied');
    });
    return { photoPath, trashItem, trash: createTrashAction({ photoPath, trashItem }) };
  }

  it('moves the files the engine resolves the ids to, and only those, once each', async () => {
    const { trashItem, trash } = trashSetup();
    expect(await trash({ ids: [1, 3, 1] })).toEqual({ trashed: [1, 3], failed: [] });
    expect(trashItem.mock.calls).toEqual([['/photos/a.jpg'], ['/photos/c.jpg']]);
  });

  it('reports an id the library does not know and a file the system refuses, and still moves the others', async () => {
    const { trashItem, trash } = trashSetup('/photos/b.jpg');
    const report = await trash({ ids: [9, 2, 3] });
    expect(report.trashed).toEqual([3]);
    expect(report.failed).toEqual([
      { id: 9, reason: expect.stringContaining('not in the library') },
      { id: 2, reason: expect.stringMatching(/b\.jpg.*Permission denied/) },
    ]);
    expect(trashItem).not.toHaveBeenCalledWith(expect.stringContaining('9'));
  });

  it.each([
    ['paths instead of ids', { ids: ['/etc/passwd'] }],
    ['an empty list', { ids: [] }],
    ['a path beside the ids', { ids: [1], path: '/etc/passwd' }],
    ['a negative id', { ids: [-1] }],
    ['no list', {}],
  ])('refuses %s at the boundary', (_name, payload) => {
    expect(trashInput.safeParse(payload).success).toBe(false);
  });
});
