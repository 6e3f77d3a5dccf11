import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import FolderManager from '../../../../src-renderer/components/FolderManager.svelte';
import type { ClientMode } from '../../../../src-renderer/lib/api/client.ts';
import { LibraryState } from '../../../../src-renderer/lib/state/library.svelte.ts';
import { emptyStatus, fakeClient } from './fake-client.ts';

async function setup(mode: ClientMode, chooseFolders?: () => Promise<string[]>) {
  const api = fakeClient({ status: emptyStatus() });
  const library = new LibraryState(api);
  await library.refresh();
  render(FolderManager, { library, mode, chooseFolders });
  const listed = () => screen.queryAllByTestId('folder-item').map((item) => item.dataset.path);
  return { api, library, listed };
}

describe('FolderManager', () => {
  it('offers no folder picker in a browser, only the path field', async () => {
    await setup('browser');
    expect(screen.queryByTestId('choose-folder-button')).toBeNull();
    expect(screen.getByTestId('folder-path-input')).toBeTruthy();
    expect(screen.getByTestId('add-folder-button').classList.contains('primary')).toBe(true);
  });

  it('offers the system picker where there is one, and keeps the path field', async () => {
    await setup(
      'desktop',
      vi.fn(async () => []),
    );
    expect(screen.getByRole('button', { name: /Choose folder/ })).toBeTruthy();
    expect(screen.getByTestId('folder-path-input')).toBeTruthy();
    expect(screen.getByTestId('add-folder-button').classList.contains('primary')).toBe(false);
  });

  it('adds the folders picked in the dialog', async () => {
    const chooseFolders = vi.fn(async () => ['/home/me/Pictures', '/media/usb/DCIM']);
    const { api, listed } = await setup('desktop', chooseFolders);
    await fireEvent.click(screen.getByTestId('choose-folder-button'));
    await waitFor(() => expect(listed()).toEqual(['/home/me/Pictures', '/media/usb/DCIM']));
    expect(api.addFolders).toHaveBeenCalledWith({ paths: ['/home/me/Pictures', '/media/usb/DCIM'] });
  });

  it('does nothing when the dialog is cancelled', async () => {
    const chooseFolders = vi.fn(async () => []);
    const { api } = await setup('desktop', chooseFolders);
    await fireEvent.click(screen.getByTestId('choose-folder-button'));
    await waitFor(() => expect(chooseFolders).toHaveBeenCalledOnce());
    await waitFor(() => expect((screen.getByTestId('choose-folder-button') as HTMLButtonElement).disabled).toBe(false));
    expect(api.addFolders).not.toHaveBeenCalled();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('is disabled while the dialog is open, so a second click cannot stack another', async () => {
    let answer: (paths: string[]) => void = () => {};
    const chooseFolders = vi.fn(() => new Promise<string[]>((resolve) => (answer = resolve)));
    await setup('desktop', chooseFolders);
    const button = screen.getByTestId('choose-folder-button') as HTMLButtonElement;
    await fireEvent.click(button);
    expect(button.disabled).toBe(true);
    answer([]);
    await waitFor(() => expect(button.disabled).toBe(false));
  });

  it('says so when the picker cannot be shown, and points at the path field', async () => {
    await setup(
      'desktop',
      vi.fn(async () => Promise.reject({ code: 'forbidden-sender', message: 'Only the app window may ask.' })),
    );
    await fireEvent.click(screen.getByTestId('choose-folder-button'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Only the app window may ask.');
    expect(alert.textContent).toContain('path');
  });

  it('adds a typed path', async () => {
    const { api, listed } = await setup('browser');
    await fireEvent.input(screen.getByTestId('folder-path-input'), { target: { value: '  /home/me/Pictures ' } });
    await fireEvent.submit(screen.getByTestId('folder-path-input').closest('form')!);
    await waitFor(() => expect(listed()).toEqual(['/home/me/Pictures']));
    expect(api.addFolders).toHaveBeenCalledWith({ paths: ['/home/me/Pictures'] });
  });
});
