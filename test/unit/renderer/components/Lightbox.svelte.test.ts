import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { SearchHit } from '../../../../src-main/core/api/contract.ts';
import Lightbox from '../../../../src-renderer/components/Lightbox.svelte';
import type { DesktopActions } from '../../../../src-renderer/lib/api/client.ts';
import { hit } from './fake-client.ts';

const HITS = [hit(1, '/photos/a.jpg'), hit(2, '/photos/b.jpg'), hit(3, '/photos/c.jpg')];

/** `shown` null: the photo's page of the list is not loaded yet. */
function setup(index: number, actions?: DesktopActions, shown: SearchHit | null = HITS[index], showRelevance = true) {
  const props = {
    hit: shown ?? undefined,
    index,
    count: HITS.length,
    showRelevance,
    thumbnailUrl: (id: number, size: number) => `/thumb/${id}?size=${size}`,
    photoUrl: (id: number) => `/photo/${id}`,
    onclose: vi.fn(),
    onnavigate: vi.fn(),
    onfindsimilar: vi.fn(),
    oncopypath: vi.fn(),
    actions,
    onactionerror: vi.fn(),
  };
  render(Lightbox, props);
  const lightbox = screen.getByTestId('lightbox');
  const controls = () => Array.from(lightbox.querySelectorAll<HTMLButtonElement>('button:not(:disabled)'));
  const tab = (shiftKey = false) => fireEvent.keyDown(document.activeElement ?? lightbox, { key: 'Tab', shiftKey });
  return { props, lightbox, controls, tab };
}

describe('Lightbox: what it says about the photo', () => {
  const tokyo: SearchHit = {
    ...hit(5, '/photos/\uef81t\uefe9/IMG_1.jpg', 0.31234),
    displayPath: '/photos/été/IMG_1.jpg',
    takenLocal: '2021-06-01T01:30:00',
    takenOffset: '+09:00',
    dateSource: 'exif',
    latitude: 35.6595,
    longitude: 139.7005,
    strength: 'strong',
    relevance: 100,
    reasons: [
      { source: 'visual', text: 'looks like the query (strong)' },
      { source: 'place', text: 'taken in Tokyo, Japan' },
    ],
  };

  it('shows why the photo is there, its strength and raw cosine, the day and place where it was taken, and its readable path', () => {
    setup(0, undefined, tokyo);
    expect(screen.getByTestId('lightbox-strength').textContent).toBe('Strong match');
    expect(Array.from(screen.getByTestId('lightbox-reasons').querySelectorAll('li')).map((li) => li.textContent)).toEqual([
      'looks like the query (strong)',
      'taken in Tokyo, Japan',
    ]);
    expect(screen.getByTestId('meta-cosine').textContent).toBe('0.3123');
    // 01:30 in Tokyo is on the 1st of June, whatever the zone this runs in.
    expect(screen.getByTestId('meta-date').textContent).toMatch(/June 1, 2021|1 June 2021/);
    expect(screen.getByTestId('meta-date').textContent).toMatch(/1:30/);
    expect(screen.getByTestId('meta-date').textContent).toContain('UTC+09:00');
    expect(screen.getByTestId('meta-place').textContent).toMatch(/^Tokyo, Japan/);
    expect(screen.getByTestId('meta-path').textContent).toBe('/photos/été/IMG_1.jpg');
    expect(screen.getByTestId('lightbox-name').textContent).toBe('IMG_1.jpg');
  });

  it('calls a date that is only the file’s modification time the file date', () => {
    setup(0, undefined, { ...tokyo, dateSource: 'file-time', takenOffset: null });
    expect(screen.getByTestId('meta-date').textContent).toMatch(/file date/);
  });

  it('shows the coordinates when no place was named, and no relevance in the timeline', () => {
    setup(0, undefined, { ...tokyo, reasons: [] }, false);
    expect(screen.getByTestId('meta-place').textContent).toBe('35.65950° N, 139.70050° E');
    expect(screen.queryByTestId('lightbox-why')).toBeNull();
    expect(screen.queryByTestId('meta-cosine')).toBeNull();
  });

  it('waits for a photo whose page of the list is still being read', () => {
    setup(1, undefined, null);
    expect(screen.getByTestId('lightbox-position').textContent).toBe('2 of 3');
    expect(screen.queryByTestId('meta-path')).toBeNull();
  });
});

describe('Lightbox', () => {
  it('takes the focus when it opens', () => {
    const { lightbox } = setup(1);
    expect(document.activeElement).toBe(lightbox);
    expect(lightbox.getAttribute('aria-modal')).toBe('true');
  });

  it('keeps Tab inside: past the last control it comes back to the first', async () => {
    const { controls, tab } = setup(1);
    const all = controls();
    all[all.length - 1].focus();
    const notPrevented = await tab();
    expect(notPrevented).toBe(false);
    expect(document.activeElement).toBe(all[0]);
  });

  it('keeps Shift+Tab inside: before the first control it goes to the last', async () => {
    const { controls, tab } = setup(1);
    const all = controls();
    all[0].focus();
    await tab(true);
    expect(document.activeElement).toBe(all[all.length - 1]);
  });

  it('leaves Tab between its own controls to the browser', async () => {
    const { controls, tab } = setup(1);
    controls()[0].focus();
    expect(await tab()).toBe(true);
  });

  it('goes from the dialog itself to its first or last control', async () => {
    const { lightbox, controls, tab } = setup(1);
    await tab();
    expect(document.activeElement).toBe(controls()[0]);
    lightbox.focus();
    await tab(true);
    expect(document.activeElement).toBe(controls().at(-1));
  });

  it('brings a focus that fell to the page back in', async () => {
    const { controls } = setup(1);
    (document.activeElement as HTMLElement).blur();
    expect(document.activeElement).toBe(document.body);
    await fireEvent.keyDown(document.body, { key: 'Tab' });
    expect(document.activeElement).toBe(controls()[0]);
    (document.activeElement as HTMLElement).blur();
    await fireEvent.keyDown(document.body, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(controls().at(-1));
  });

  it('skips a disabled arrow: the first photo has no "previous"', async () => {
    const { controls, tab } = setup(0);
    expect(controls().some((b) => b.dataset.testid === 'lightbox-prev')).toBe(false);
    controls().at(-1)!.focus();
    await tab();
    expect(document.activeElement?.getAttribute('data-testid')).toBe('lightbox-next');
  });

  it('includes the desktop actions in the round when there are some', async () => {
    const actions: DesktopActions = {
      reveal: vi.fn(async () => {}),
      open: vi.fn(async () => {}),
      copyPath: vi.fn(async () => {}),
      chooseFolders: vi.fn(async () => []),
      trash: vi.fn(async () => ({ trashed: [], failed: [] })),
    };
    const { controls, tab } = setup(1, actions);
    const last = controls().at(-1)!;
    expect(last.dataset.testid).toBe('lightbox-open');
    last.focus();
    await tab();
    expect(document.activeElement?.getAttribute('data-testid')).toBe('lightbox-prev');
  });
});
