import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { SearchHit } from '../../../../src-main/core/api/contract.ts';
import PhotoTile from '../../../../src-renderer/components/PhotoTile.svelte';

const hit: SearchHit = {
  id: 12,
  path: '/photos/Family/red-plain.jpg',
  folder: '/photos',
  width: 640,
  height: 480,
  format: 'jpeg',
  size: 20_000,
  takenAt: null,
  camera: null,
  latitude: null,
  longitude: null,
  score: 0.3141,
  match: true,
  relevance: 80,
  strength: 'strong',
  reasons: [
    { source: 'visual', text: 'looks like the query (strong)' },
    { source: 'place', text: 'taken in Paris, France' },
  ],
};

function setup(overrides: { selected?: boolean; src?: string; cursor?: boolean; showStrength?: boolean } = {}) {
  const props = {
    hit,
    index: 3,
    src: overrides.src ?? '/api/thumb/12?size=256',
    x: 0,
    size: 170,
    selected: overrides.selected ?? false,
    cursor: overrides.cursor ?? false,
    showStrength: overrides.showStrength ?? true,
    onclick: vi.fn(),
    onopen: vi.fn(),
    onfindsimilar: vi.fn(),
  };
  const view = render(PhotoTile, props);
  const tile = screen.getByTestId('result-tile');
  const frame = () => within(tile).getByTestId('thumb');
  return { ...view, props, tile, frame };
}

describe('PhotoTile', () => {
  it('shows a placeholder while the thumbnail loads, then the image', async () => {
    const { frame } = setup();
    expect(frame().dataset.state).toBe('loading');
    expect(frame().querySelector('.placeholder .spinner')).not.toBeNull();
    const img = frame().querySelector('img')!;
    expect(img.getAttribute('src')).toBe('/api/thumb/12?size=256');
    expect(img.alt).toBe('red-plain.jpg');
    expect(img.classList.contains('shown')).toBe(false);

    await fireEvent.load(img);
    expect(frame().dataset.state).toBe('loaded');
    expect(frame().querySelector('.placeholder')).toBeNull();
    expect(img.classList.contains('shown')).toBe(true);
  });

  it('says so, in words and to screen readers, when the thumbnail cannot be loaded', async () => {
    const { frame } = setup();
    await fireEvent.error(frame().querySelector('img')!);
    expect(frame().dataset.state).toBe('broken');
    expect(frame().querySelector('img')).toBeNull();
    const broken = within(frame()).getByRole('img');
    expect(broken.getAttribute('aria-label')).toBe('red-plain.jpg: Cannot show this photo');
    expect(broken.textContent).toContain('Cannot show this photo');
  });

  it('loads again when it is given another thumbnail', async () => {
    const { frame, rerender } = setup();
    await fireEvent.error(frame().querySelector('img')!);
    await rerender({ src: '/api/thumb/12?size=512' });
    expect(frame().dataset.state).toBe('loading');
    expect(frame().querySelector('img')?.getAttribute('src')).toBe('/api/thumb/12?size=512');
  });

  it('is an option of the grid that says whether it is selected', async () => {
    const { tile, rerender } = setup();
    expect(tile.getAttribute('role')).toBe('option');
    expect(tile.id).toBe('photo-12');
    expect(tile.getAttribute('aria-selected')).toBe('false');
    expect(tile.getAttribute('aria-label')).toBe('red-plain.jpg, strong match');
    await rerender({ selected: true });
    expect(tile.getAttribute('aria-selected')).toBe('true');
  });

  it('selects on click, opens on double-click, and finds similar photos without doing either', async () => {
    const { tile, props } = setup();
    await fireEvent.click(tile);
    await fireEvent.dblClick(tile);
    expect(props.onclick).toHaveBeenCalledOnce();
    expect(props.onopen).toHaveBeenCalledOnce();
    expect(within(tile).queryByTestId('find-similar')).toBeNull();
    await fireEvent.mouseEnter(tile);
    const similar = within(tile).getByTestId('find-similar');
    await fireEvent.click(similar);
    await fireEvent.dblClick(similar);
    expect(props.onfindsimilar).toHaveBeenCalledOnce();
    expect(props.onclick).toHaveBeenCalledOnce();
    expect(props.onopen).toHaveBeenCalledOnce();
  });

  it('shows how strongly it matches, and why it is there: to screen readers always, on screen on hover and keyboard focus', async () => {
    const { tile, rerender } = setup();
    expect(within(tile).getByTestId('tile-strength').textContent).toBe('strong');
    expect(document.getElementById(tile.getAttribute('aria-describedby')!)?.textContent).toBe('looks like the query (strong); taken in Paris, France');
    expect(within(tile).queryByTestId('tile-reasons')).toBeNull();
    const reasons = () => Array.from(within(tile).getByTestId('tile-reasons').querySelectorAll('li')).map((li) => li.textContent);
    await fireEvent.mouseEnter(tile);
    expect(reasons()).toEqual(['looks like the query (strong)', 'taken in Paris, France']);
    await fireEvent.mouseLeave(tile);
    expect(within(tile).queryByTestId('tile-reasons')).toBeNull();
    await rerender({ cursor: true });
    expect(reasons()).toEqual(['looks like the query (strong)', 'taken in Paris, France']);
  });

  it('shows neither strength nor reasons in the timeline', () => {
    const { tile } = setup({ showStrength: false });
    expect(within(tile).queryByTestId('tile-strength')).toBeNull();
    expect(within(tile).queryByTestId('tile-reasons')).toBeNull();
    expect(tile.getAttribute('aria-label')).toBe('red-plain.jpg');
  });
});
