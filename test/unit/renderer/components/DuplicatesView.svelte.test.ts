import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DuplicateMember, DuplicateReport } from '../../../../src-main/core/api/contract.ts';
import DuplicatesView from '../../../../src-renderer/components/DuplicatesView.svelte';
import { fakeClient } from './fake-client.ts';

function member(id: number, path: string, over: Partial<DuplicateMember> = {}): DuplicateMember {
  return {
    id,
    path,
    folder: '/photos',
    directory: path.slice(0, path.lastIndexOf('/')),
    width: 4000,
    height: 3000,
    format: 'jpeg',
    size: 2_000_000,
    takenAt: null,
    takenLocal: '2021-06-01T10:00:00',
    camera: null,
    latitude: null,
    longitude: null,
    mtimeMs: 0,
    similarity: 1,
    hashDistance: 0,
    ...over,
  };
}

const REPORT: DuplicateReport = {
  groups: [
    {
      photos: [member(1, '/photos/trip/IMG_1.jpg'), member(2, '/photos/export/IMG_1 small.jpg', { width: 1000, height: 750, size: 300_000, similarity: 0.97 })],
      keep: 1,
      reasons: ['most pixels'],
      reclaimableBytes: 300_000,
    },
    {
      photos: [member(5, '/photos/b/beach.heic', { format: 'heic' }), member(6, '/photos/b/beach.jpg', { similarity: 0.99 })],
      keep: 5,
      reasons: ['original format'],
      reclaimableBytes: 2_000_000,
    },
  ],
  threshold: 0.9,
  hashLimit: 12,
  photos: 40,
  unhashed: 0,
  graph: 'saved-index',
  tookMs: 3,
};

function setup(desktop: boolean) {
  const api = fakeClient(desktop ? { actions: {} } : {});
  api.duplicates = vi.fn(async () => REPORT);
  const props = { api, onclose: vi.fn(), onnotice: vi.fn() };
  render(DuplicatesView, props);
  return { api, props };
}

afterEach(() => vi.useRealTimers());

describe('the Duplicates view', () => {
  it('lists each group with sizes, dates and folders, the photo to keep first and marked', async () => {
    const { api } = setup(false);
    const groups = await screen.findAllByTestId('duplicate-group');
    expect(api.duplicates).toHaveBeenCalledWith({ threshold: 0.9 });
    expect(groups).toHaveLength(2);
    const members = within(groups[0]).getAllByTestId('duplicate-member');
    expect(members.map((m) => [m.dataset.id, m.dataset.keep])).toEqual([
      ['1', 'true'],
      ['2', 'false'],
    ]);
    expect(within(members[0]).getByTestId('duplicate-keep')).toBeTruthy();
    expect(members[1].textContent).toContain('1000 × 750');
    expect(members[1].textContent).toMatch(/293 KB/);
    expect(members[1].textContent).toContain('/photos/export');
    expect(members[1].textContent).toMatch(/June 1, 2021|1 June 2021/);
    expect(groups[0].textContent).toContain('most pixels');
    expect(screen.getByTestId('duplicates-count').textContent).toMatch(/2 groups/);
  });

  it('asks again once the threshold slider rests, not on every step', async () => {
    const { api } = setup(false);
    await screen.findAllByTestId('duplicate-group');
    vi.useFakeTimers();
    const slider = screen.getByTestId('duplicates-threshold');
    await fireEvent.input(slider, { target: { value: '0.8' } });
    await fireEvent.input(slider, { target: { value: '0.75' } });
    expect(api.duplicates).toHaveBeenCalledTimes(1);
    await vi.runAllTimersAsync();
    expect(api.duplicates).toHaveBeenCalledTimes(2);
    expect(api.duplicates).toHaveBeenLastCalledWith({ threshold: 0.75 });
  });

  it('copies the list: a block per group, the one to keep first', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    setup(false);
    await screen.findAllByTestId('duplicate-group');
    await fireEvent.click(screen.getByTestId('duplicates-copy'));
    expect(writeText).toHaveBeenCalledWith(
      'Group 1 (keep: most pixels)\nkeep  /photos/trip/IMG_1.jpg\ncopy  /photos/export/IMG_1 small.jpg\n\n' +
        'Group 2 (keep: original format)\nkeep  /photos/b/beach.heic\ncopy  /photos/b/beach.jpg',
    );
  });

  it('in a browser, offers no trash and says the desktop app can do it', async () => {
    setup(false);
    await screen.findAllByTestId('duplicate-group');
    expect(screen.queryByTestId('duplicates-trash')).toBeNull();
    expect(screen.queryByTestId('duplicate-choose')).toBeNull();
    expect(screen.queryByTestId('duplicate-reveal')).toBeNull();
    expect(screen.getByTestId('duplicates-browser-note').textContent).toMatch(/desktop app can move/);
  });

  it('in the desktop app, moves chosen copies to the trash only after a confirmation that lists them', async () => {
    const { api } = setup(true);
    await screen.findAllByTestId('duplicate-group');
    // The photo to keep cannot be chosen.
    expect(screen.getAllByTestId('duplicate-choose')).toHaveLength(2);
    expect((screen.getByTestId('duplicates-trash') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getAllByTestId('duplicate-choose')[0]);
    await fireEvent.click(screen.getByTestId('duplicates-trash'));
    expect(screen.getByTestId('trash-confirm-list').textContent).toBe('/photos/export/IMG_1 small.jpg');
    await fireEvent.click(screen.getByTestId('trash-cancel'));
    expect(api.actions!.trash).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('duplicates-trash'));
    await fireEvent.click(screen.getByTestId('trash-confirm-button'));
    expect(api.actions!.trash).toHaveBeenCalledWith([2]);
    // The group left with one photo is no group any more.
    await waitFor(() => expect(screen.getAllByTestId('duplicate-group')).toHaveLength(1));
    expect(screen.queryByTestId('trash-confirm')).toBeNull();
  });

  it('reveals a file in the desktop app, and Esc or the back button returns to the photos', async () => {
    const { api, props } = setup(true);
    await screen.findAllByTestId('duplicate-group');
    await fireEvent.click(screen.getAllByTestId('duplicate-reveal')[1]);
    expect(api.actions!.reveal).toHaveBeenCalledWith(2);
    await fireEvent.keyDown(window, { key: 'Escape' });
    await fireEvent.click(screen.getByTestId('duplicates-back'));
    expect(props.onclose).toHaveBeenCalledTimes(2);
  });
});
