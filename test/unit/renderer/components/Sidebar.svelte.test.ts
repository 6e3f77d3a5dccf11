import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { AlbumSummary } from '../../../../src-main/core/api/contract.ts';
import Sidebar from '../../../../src-renderer/components/Sidebar.svelte';
import { OrganizeState } from '../../../../src-renderer/lib/state/organize.svelte.ts';
import { ApiError } from '../../../../src-renderer/lib/api/api-error.ts';
import { fakeClient } from './fake-client.ts';

const album = (id: number, name: string, photos: number, description: string | null = null): AlbumSummary => ({
  id,
  name,
  description,
  filters: {},
  photos,
  cover: null,
  createdAt: 0,
});

function setup(opts: { albums?: AlbumSummary[]; selected?: number[]; activeAlbum?: string | null } = {}) {
  const api = fakeClient();
  let albums = opts.albums ?? [];
  api.albums = vi.fn(async () => albums);
  api.createAlbum = vi.fn(async (input: { name: string; description?: string }) => {
    const made = album(100 + albums.length, input.name, 42, input.description ?? null);
    albums = [...albums, made];
    return made;
  });
  const organize = new OrganizeState(api);
  const selected = opts.selected ?? [];
  const props = {
    organize,
    activeAlbum: opts.activeAlbum ?? null,
    selectedCount: selected.length,
    selectedIds: vi.fn(async () => selected),
    libraryChanges: 0,
    onshowalbum: vi.fn(),
    onshowlabel: vi.fn(),
    onalbumchanged: vi.fn(),
  };
  render(Sidebar, props);
  return { api, organize, props };
}

async function openSidebar(): Promise<void> {
  const toggle = screen.getByTestId('sidebar-toggle');
  if (toggle.getAttribute('aria-expanded') !== 'true') await fireEvent.click(toggle);
}

describe('Sidebar: albums', () => {
  it('lists the albums with their photo counts and shows one when clicked', async () => {
    const { props } = setup({ albums: [album(1, 'Hiking', 1234), album(2, 'red', 57)] });
    await openSidebar();
    await waitFor(() => expect(screen.getAllByTestId('album-item')).toHaveLength(2));
    expect(screen.getAllByTestId('album-item').map((a) => [a.dataset.name, a.querySelector('[data-testid="album-count"]')?.textContent])).toEqual([
      ['Hiking', '1,234'],
      ['red', '57'],
    ]);
    await fireEvent.click(screen.getAllByTestId('album-item')[1]);
    expect(props.onshowalbum).toHaveBeenCalledWith('red');
    await fireEvent.click(screen.getByTestId('album-all'));
    expect(props.onshowalbum).toHaveBeenLastCalledWith(null);
  });

  it('creates an album from a name and a description, then shows it', async () => {
    const { api, props } = setup();
    await openSidebar();
    await fireEvent.click(screen.getByTestId('album-new'));
    expect(screen.queryByTestId('new-album-use-selection')).toBeNull();
    const create = screen.getByTestId('new-album-create') as HTMLButtonElement;
    expect(create.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('new-album-name'), { target: { value: '  Hiking ' } });
    await fireEvent.input(screen.getByTestId('new-album-description'), { target: { value: 'mountains and trails' } });
    await fireEvent.click(create);
    await waitFor(() => expect(props.onshowalbum).toHaveBeenCalledWith('Hiking'));
    expect(api.createAlbum).toHaveBeenCalledWith({ name: 'Hiking', description: 'mountains and trails' });
    expect(screen.queryByTestId('new-album')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('album-item').textContent).toContain('42'));
  });

  it('uses the selected photos as examples when asked, and leaves them out when unticked', async () => {
    const { api, props } = setup({ selected: [3, 5, 8] });
    await openSidebar();
    await fireEvent.click(screen.getByTestId('album-new'));
    const use = screen.getByTestId('new-album-use-selection') as HTMLInputElement;
    expect(use.checked).toBe(true);
    expect(use.parentElement?.textContent).toContain('3 selected photos');
    await fireEvent.input(screen.getByTestId('new-album-name'), { target: { value: 'Mia' } });
    await fireEvent.click(screen.getByTestId('new-album-create'));
    await waitFor(() => expect(api.createAlbum).toHaveBeenCalledWith({ name: 'Mia', examples: [3, 5, 8] }));
    expect(props.selectedIds).toHaveBeenCalledOnce();
    await waitFor(() => expect(screen.queryByTestId('new-album')).toBeNull());

    await fireEvent.click(screen.getByTestId('album-new'));
    await fireEvent.click(screen.getByTestId('new-album-use-selection'));
    await fireEvent.input(screen.getByTestId('new-album-name'), { target: { value: 'Max' } });
    await fireEvent.click(screen.getByTestId('new-album-create'));
    await waitFor(() => expect(api.createAlbum).toHaveBeenLastCalledWith({ name: 'Max' }));
  });

  it('keeps the dialog open with the engine’s reason when the album is refused', async () => {
    const { api, props } = setup();
    api.createAlbum = vi.fn(async () => {
      throw new ApiError('invalid-input', 'An album named "Hiking" exists already: pick another name.');
    });
    await openSidebar();
    await fireEvent.click(screen.getByTestId('album-new'));
    await fireEvent.input(screen.getByTestId('new-album-name'), { target: { value: 'Hiking' } });
    await fireEvent.click(screen.getByTestId('new-album-create'));
    expect((await screen.findByTestId('new-album-error')).textContent).toContain('exists already');
    expect(screen.getByTestId('new-album')).toBeTruthy();
    expect(props.onshowalbum).not.toHaveBeenCalled();
  });

  it('adds the selection to a chosen album, removes it from the album on screen, and deletes that album after a confirmation', async () => {
    const { api, props } = setup({ albums: [album(1, 'Hiking', 10), album(2, 'red', 5)], selected: [4, 6], activeAlbum: 'hiking' });
    await openSidebar();
    await screen.findByTestId('album-actions');
    const choice = screen.getByTestId('add-to-album-choice') as HTMLSelectElement;
    // The album on screen is offered first.
    expect(choice.value).toBe('Hiking');
    await fireEvent.change(choice, { target: { value: 'red' } });
    await fireEvent.click(screen.getByTestId('add-to-album'));
    await waitFor(() => expect(api.addToAlbum).toHaveBeenCalledWith({ album: 'red', photoIds: [4, 6] }));
    await waitFor(() => expect(props.onalbumchanged).toHaveBeenCalledOnce());
    await fireEvent.click(screen.getByTestId('album-remove-selected'));
    await waitFor(() => expect(api.removeFromAlbum).toHaveBeenCalledWith({ album: 'Hiking', photoIds: [4, 6] }));
    await waitFor(() => expect(props.onalbumchanged).toHaveBeenCalledTimes(2));
    await fireEvent.click(screen.getByTestId('album-delete'));
    expect(api.deleteAlbum).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('album-delete-confirm'));
    await waitFor(() => expect(api.deleteAlbum).toHaveBeenCalledWith({ album: 'Hiking' }));
    await waitFor(() => expect(props.onshowalbum).toHaveBeenCalledWith(null));
  });

  it('tags the selected photos as a new or existing category', async () => {
    const { api } = setup({ selected: [11, 12, 13, 14] });
    api.tagPhotos = vi.fn(async () => [{ name: 'Mia', key: 'mia', examples: 4 }]);
    await openSidebar();
    await fireEvent.click(screen.getByTestId('tag-selected'));
    await fireEvent.input(screen.getByTestId('tag-name'), { target: { value: 'Mia' } });
    await fireEvent.click(screen.getByTestId('tag-submit'));
    await waitFor(() => expect(api.tagPhotos).toHaveBeenCalledWith({ name: 'Mia', photoIds: [11, 12, 13, 14] }));
    await waitFor(() => expect(screen.queryByTestId('tag-dialog')).toBeNull());
  });
});
