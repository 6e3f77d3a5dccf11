import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PhotoText, SearchHit } from '../../../../src-main/core/api/contract.ts';
import Lightbox from '../../../../src-renderer/components/Lightbox.svelte';
import type { ReadPhotoText } from '../../../../src-renderer/lib/state/photo-words.svelte.ts';
import { hit } from './fake-client.ts';

const box = (y: number) => [
  { x: 0.1, y },
  { x: 0.9, y },
  { x: 0.9, y: y + 0.1 },
  { x: 0.1, y: y + 0.1 },
];

const WIFI: PhotoText = {
  status: 'read',
  reason: null,
  modelId: 'pp-ocrv4',
  lines: [
    { text: 'Home network', confidence: 0.98, box: box(0.1) },
    { text: 'WiFi password: sunflower42', confidence: 0.97, box: box(0.4) },
    { text: 'Thanks!', confidence: 0.95, box: box(0.7) },
  ],
  matched: [1],
};

const found: SearchHit = { ...hit(7, '/photos/router.png'), reasons: [{ source: 'text', text: "words in photo: 'WiFi password'" }] };

function open(readText: ReadPhotoText, shown: SearchHit = found, showRelevance = true) {
  const props = {
    hit: shown,
    index: 0,
    count: 2,
    showRelevance,
    thumbnailUrl: (id: number, size: number) => `/thumb/${id}?size=${size}`,
    photoUrl: (id: number) => `/photo/${id}`,
    onclose: vi.fn(),
    onnavigate: vi.fn(),
    onfindsimilar: vi.fn(),
    oncopypath: vi.fn(),
    onactionerror: vi.fn(),
    readText,
  };
  return render(Lightbox, props);
}

const answer = (text: PhotoText) => vi.fn<ReadPhotoText>(async () => text);
const lineTexts = () => screen.getAllByTestId('photo-text-line').map((l) => l.textContent);

/** The system clipboard as the page sees it: jsdom has none. */
function clipboard(writeText: (text: string) => Promise<void>) {
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard');
});

describe('Lightbox: the words in this photo', () => {
  it('shows the recognised lines, marks the ones the search matched, and asks with the words the search found', async () => {
    const read = answer(WIFI);
    open(read);
    await screen.findByTestId('photo-text-lines');
    expect(read).toHaveBeenCalledWith({ id: 7, query: 'WiFi password' });
    expect(lineTexts()).toEqual(['Home network', 'WiFi password: sunflower42', 'Thanks!']);
    const marked = screen.getAllByTestId('photo-text-line').filter((l) => l.dataset.matched === 'true');
    expect(marked.map((l) => l.textContent)).toEqual(['WiFi password: sunflower42']);
  });

  it('asks without a query while browsing the timeline: nothing is marked', async () => {
    const read = answer({ ...WIFI, matched: [] });
    open(read, found, false);
    await screen.findByTestId('photo-text-lines');
    expect(read).toHaveBeenCalledWith({ id: 7 });
  });

  it('lets the words be selected as text, like any text on the page', async () => {
    open(answer(WIFI));
    const lines = await screen.findByTestId('photo-text-lines');
    expect(lines.closest('button, [role="button"], a')).toBeNull();
    expect(getComputedStyle(lines).userSelect).not.toBe('none');
    const range = document.createRange();
    range.selectNodeContents(lines);
    const selection = window.getSelection()!;
    selection.removeAllRanges();
    selection.addRange(range);
    expect(selection.toString()).toContain('WiFi password: sunflower42');
  });

  it('copies all the words, one line each, and says so on the button', async () => {
    const writeText = vi.fn(async () => {});
    clipboard(writeText);
    open(answer(WIFI));
    const copy = await screen.findByTestId('photo-text-copy');
    expect(copy.textContent?.trim()).toBe('Copy');
    await fireEvent.click(copy);
    expect(writeText).toHaveBeenCalledWith('Home network\nWiFi password: sunflower42\nThanks!');
    await waitFor(() => expect(screen.getByTestId('photo-text-copy').textContent?.trim()).toBe('Copied'));
  });

  it('says where the words are when the clipboard cannot be reached', async () => {
    clipboard(() => Promise.reject(new Error('denied')));
    open(answer(WIFI));
    await fireEvent.click(await screen.findByTestId('photo-text-copy'));
    expect((await screen.findByTestId('photo-text-copy-failed')).textContent).toMatch(/select the words/);
  });

  it('says "No words found" for a photo read without text, with nothing to copy', async () => {
    open(answer({ status: 'read', reason: null, modelId: 'pp-ocrv4', lines: [], matched: [] }));
    expect((await screen.findByTestId('photo-text-empty')).textContent).toBe('No words found');
    expect(screen.queryByTestId('photo-text-copy')).toBeNull();
  });

  it('says when a photo has not been read yet, and why reading one failed', async () => {
    const { unmount } = open(answer({ status: 'unread', reason: null, modelId: null, lines: [], matched: [] }));
    expect((await screen.findByTestId('photo-text-unread')).textContent).toMatch(/Not read yet/);
    unmount();
    open(answer({ status: 'failed', reason: 'the file could not be decoded', modelId: null, lines: [], matched: [] }));
    expect((await screen.findByTestId('photo-text-failed')).textContent).toBe('The words could not be read: the file could not be decoded');
  });

  it('reads the next photo’s words when the lightbox moves on, never showing an earlier answer', async () => {
    let release: (t: PhotoText) => void = () => {};
    const read = vi.fn<ReadPhotoText>(({ id }) =>
      id === 7 ? new Promise<PhotoText>((resolve) => (release = resolve)) : Promise.resolve({ ...WIFI, lines: [WIFI.lines[2]], matched: [] }),
    );
    const { rerender } = open(read);
    expect(screen.getByTestId('photo-text-loading')).toBeTruthy();
    await rerender({ hit: hit(8, '/photos/thanks.png'), index: 1 });
    await screen.findByTestId('photo-text-lines');
    release(WIFI);
    await Promise.resolve();
    expect(lineTexts()).toEqual(['Thanks!']);
  });

  it('is not shown when the lightbox has no way to read words', () => {
    render(Lightbox, {
      hit: found,
      index: 0,
      count: 1,
      showRelevance: true,
      thumbnailUrl: () => '',
      photoUrl: () => '',
      onclose: vi.fn(),
      onnavigate: vi.fn(),
      onfindsimilar: vi.fn(),
      oncopypath: vi.fn(),
      onactionerror: vi.fn(),
    });
    expect(screen.queryByTestId('photo-text')).toBeNull();
  });
});
