import { describe, expect, it, vi } from 'vitest';
import { createPhotoActions } from '../../../src-main/electron/actions.ts';

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
