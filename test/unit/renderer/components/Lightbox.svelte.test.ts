import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import Lightbox from '../../../../src-renderer/components/Lightbox.svelte';
import type { DesktopActions } from '../../../../src-renderer/lib/api/client.ts';
import { hit } from './fake-client.ts';

const HITS = [hit(1, '/photos/a.jpg'), hit(2, '/photos/b.jpg'), hit(3, '/photos/c.jpg')];

function setup(index: number, actions?: DesktopActions) {
  const props = {
    hits: HITS,
    index,
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
    };
    const { controls, tab } = setup(1, actions);
    const last = controls().at(-1)!;
    expect(last.dataset.testid).toBe('lightbox-open');
    last.focus();
    await tab();
    expect(document.activeElement?.getAttribute('data-testid')).toBe('lightbox-prev');
  });
});
