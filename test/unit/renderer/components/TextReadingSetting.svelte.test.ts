import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import TextReadingSetting from '../../../../src-renderer/components/TextReadingSetting.svelte';
import { LibraryState } from '../../../../src-renderer/lib/state/library.svelte.ts';
import { fakeClient, readyStatus } from './fake-client.ts';

async function setup(textReading = { enabled: true, model: 'pp-ocrv4-mobile', read: 120, withText: 45, failed: 2 }) {
  const api = fakeClient({ status: readyStatus({ photos: 2000, textReading }) });
  const library = new LibraryState(api);
  await library.refresh();
  render(TextReadingSetting, { library });
  return { api, library, toggle: screen.getByTestId('text-reading-toggle') as HTMLInputElement };
}

describe('TextReadingSetting: reading words in photos, for this library', () => {
  it('says how many photos have had their words read, found text, or failed', async () => {
    const { toggle } = await setup();
    expect(toggle.checked).toBe(true);
    expect(screen.getByTestId('text-reading-count').textContent).toMatch(/^Words read in 120 of 2,000 photos: 45 with text,\s+2 could not be read\./);
  });

  it('turns reading off at once, then shows what the engine counts', async () => {
    const { api, toggle } = await setup();
    let answer: (v: { enabled: boolean; model: string; read: number; withText: number; failed: number }) => void = () => {};
    vi.mocked(api.setTextReading).mockImplementation(() => new Promise((resolve) => (answer = resolve)));
    await fireEvent.click(toggle);
    expect(api.setTextReading).toHaveBeenCalledWith({ enabled: false });
    expect(screen.getByTestId('text-reading').dataset.enabled).toBe('false');
    expect(screen.getByTestId('text-reading-count').textContent).toMatch(/Off for this library/);
    answer({ enabled: false, model: 'pp-ocrv4-mobile', read: 121, withText: 45, failed: 2 });
    await waitFor(() => expect(screen.getByTestId('text-reading-count').textContent).toMatch(/^Words read in 121 of/));
  });

  it('goes back to what the engine says when the change fails', async () => {
    const { api, library, toggle } = await setup({ enabled: false, model: 'pp-ocrv4-mobile', read: 0, withText: 0, failed: 0 });
    vi.mocked(api.setTextReading).mockRejectedValue({ code: 'busy', message: 'Another process is writing the library.' });
    await fireEvent.click(toggle);
    await waitFor(() => expect(library.actionError?.message).toBe('Another process is writing the library.'));
    expect((screen.getByTestId('text-reading-toggle') as HTMLInputElement).checked).toBe(false);
  });
});
