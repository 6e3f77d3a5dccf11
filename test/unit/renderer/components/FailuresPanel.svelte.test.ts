import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { FileFailure } from '../../../../src-main/core/api/contract.ts';
import FailuresPanel from '../../../../src-renderer/components/FailuresPanel.svelte';

const failures: FileFailure[] = [
  { path: '/photos/Family/truncated.jpg', reason: 'The file ends before the image does (truncated JPEG).', code: 'decode-failed', at: 1 },
  { path: '/photos/Trips/2021/notes.png', reason: 'Not an image: the content is text.', code: 'unsupported', at: 2 },
];

describe('FailuresPanel', () => {
  it('lists each file that could not be read with its path and reason', () => {
    render(FailuresPanel, { failures, busy: false, onretry: vi.fn(), onclose: vi.fn() });
    const panel = screen.getByTestId('failures-panel');
    expect(within(panel).getByText('2 files were', { exact: false })).toBeTruthy();
    const items = within(panel).getAllByTestId('failure-item');
    expect(
      items.map((item) => ({
        name: item.querySelector('strong')?.textContent,
        path: within(item).getByTestId('failure-path').textContent,
        reason: within(item).getByTestId('failure-reason').textContent,
        code: item.dataset.code,
      })),
    ).toEqual([
      { name: 'truncated.jpg', path: failures[0].path, reason: failures[0].reason, code: 'decode-failed' },
      { name: 'notes.png', path: failures[1].path, reason: failures[1].reason, code: 'unsupported' },
    ]);
    expect(screen.queryByTestId('failures-empty')).toBeNull();
    expect(screen.queryByTestId('failures-retry')).toBeNull();
  });

  it('says nothing was skipped when the list is empty', () => {
    render(FailuresPanel, { failures: [], busy: false, onretry: vi.fn(), onclose: vi.fn() });
    expect(screen.getByTestId('failures-empty').textContent).toMatch(/none was skipped/);
    expect(screen.queryAllByTestId('failure-item')).toEqual([]);
  });

  it('opens as a modal dialog and tells its owner when it closes', async () => {
    const onclose = vi.fn();
    render(FailuresPanel, { failures, busy: false, onretry: vi.fn(), onclose });
    const dialog = screen.getByTestId('failures-panel') as HTMLDialogElement;
    expect(dialog.open).toBe(true);
    expect(dialog.getAttribute('aria-label')).toBe('Files that could not be indexed');
    await fireEvent.click(screen.getByTestId('failures-panel-close'));
    expect(dialog.open).toBe(false);
    expect(onclose).toHaveBeenCalledOnce();
  });

  it('offers to try again the files that crashed a decoder, by indexing with retryFailed', async () => {
    const onretry = vi.fn();
    const onclose = vi.fn();
    const crashed: FileFailure = { path: '/photos/odd.heic', reason: 'The decoder stopped twice on this file.', code: 'decoder-crash', at: 3 };
    render(FailuresPanel, { failures: [...failures, crashed], busy: false, onretry, onclose });
    expect(screen.getByTestId('failures-retry-box').textContent).toMatch(/1 file stopped the decoder/);
    await fireEvent.click(screen.getByTestId('failures-retry'));
    expect(onretry).toHaveBeenCalledOnce();
  });

  it('lists folders that could not be read as folders, apart from the files, with their readable path', () => {
    const folder: FileFailure = {
      path: '/photos/\uefe9t\uefe9',
      displayPath: '/photos/été',
      reason: 'Permission denied: the folder cannot be read.',
      code: 'folder-unreadable',
      at: 4,
    };
    render(FailuresPanel, { failures: [...failures, folder], busy: false, onretry: vi.fn(), onclose: vi.fn() });
    const folders = screen.getAllByTestId('failure-folder');
    expect(folders).toHaveLength(1);
    expect(folders[0].textContent).toContain('/photos/été');
    expect(folders[0].textContent).toContain('Permission denied');
    expect(screen.getAllByTestId('failure-item')).toHaveLength(2);
    expect(screen.getByText('1 folder could not be read')).toBeTruthy();
  });
});
