import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import FeedbackControls from '../../../../src-renderer/components/FeedbackControls.svelte';
import PhotoTile from '../../../../src-renderer/components/PhotoTile.svelte';
import QueryChip from '../../../../src-renderer/components/QueryChip.svelte';
import { FeedbackState } from '../../../../src-renderer/lib/state/feedback.svelte.ts';
import { QueryState } from '../../../../src-renderer/lib/state/query.svelte.ts';
import { ResultsState } from '../../../../src-renderer/lib/state/results.svelte.ts';
import { fakeClient, hit } from './fake-client.ts';

const key = (k: string, mods: Partial<KeyboardEventInit> = {}) => new KeyboardEvent('keydown', { key: k, ...mods });

function setup() {
  const query = new QueryState();
  query.type('red circle ');
  const feedback = new FeedbackState(query);
  return { query, feedback };
}

describe('feedback: keys, undo and clear', () => {
  it('+ (or =) likes and - dislikes the focused photo; the search sends the marks and one chip says what was marked', () => {
    const { query, feedback } = setup();
    expect(feedback.key(key('+'), 11)).toBe(true);
    expect(feedback.key(key('='), 12)).toBe(true);
    expect(feedback.key(key('-'), 13)).toBe(true);
    expect(query.request.feedback).toEqual({ up: [11, 12], down: [13] });
    expect(query.request.description).toBe('red circle');
    const chips = query.chips.filter((c) => c.kind === 'feedback');
    expect(chips).toHaveLength(1);
    expect(feedback.label).toBe('2 liked, 1 not liked');
  });

  it('marking a photo the same way again takes the mark off; the other way moves it', () => {
    const { query, feedback } = setup();
    feedback.mark(11, 'up');
    feedback.mark(11, 'down');
    expect(query.request.feedback).toEqual({ up: [], down: [11] });
    feedback.mark(11, 'down');
    expect(query.request.feedback).toBeUndefined();
    expect(query.chips.some((c) => c.kind === 'feedback')).toBe(false);
  });

  it('Ctrl/Cmd+Z takes back the last mark, one at a time, and says when there is nothing left to undo', () => {
    const { query, feedback } = setup();
    feedback.mark(11, 'up');
    feedback.mark(12, 'down');
    expect(feedback.key(key('z', { ctrlKey: true }), undefined)).toBe(true);
    expect(query.request.feedback).toEqual({ up: [11], down: [] });
    expect(feedback.key(key('z', { metaKey: true }), undefined)).toBe(true);
    expect(query.request.feedback).toBeUndefined();
    expect(feedback.key(key('z', { ctrlKey: true }), undefined)).toBe(false);
  });

  it('keys do nothing without a focused photo, and other keys are left alone', () => {
    const { query, feedback } = setup();
    expect(feedback.key(key('+'), undefined)).toBe(false);
    expect(feedback.key(key('a'), 11)).toBe(false);
    expect(feedback.key(key('-', { altKey: true }), 11)).toBe(false);
    expect(query.request.feedback).toBeUndefined();
  });

  it('clear takes every mark away; removing the chip, or Find similar, does too, and undo cannot bring them back', () => {
    const { query, feedback } = setup();
    feedback.mark(11, 'up');
    feedback.clear();
    expect(query.request.feedback).toBeUndefined();
    feedback.mark(12, 'up');
    const chip = query.chips.find((c) => c.kind === 'feedback')!;
    query.remove(chip.key);
    expect(feedback.undo()).toBe(false);
    expect(query.request.feedback).toBeUndefined();
    feedback.mark(13, 'down');
    query.findSimilar([5], 'a.jpg');
    expect(query.request.feedback).toBeUndefined();
    expect(feedback.count).toBe(0);
  });

  it('with marks only (the words removed), the query is still a search, not the timeline', () => {
    const query = new QueryState();
    new FeedbackState(query).mark(4, 'up');
    expect(query.listing).toBe(false);
  });
});

describe('feedback in the interface', () => {
  const tileProps = (over: Record<string, unknown>) => ({
    hit: hit(12, '/photos/red.jpg'),
    index: 0,
    src: '/thumb/12',
    x: 0,
    size: 170,
    selected: false,
    cursor: true,
    showStrength: true,
    onclick: vi.fn(),
    onopen: vi.fn(),
    onfindsimilar: vi.fn(),
    ...over,
  });

  it('a tile offers thumbs-up and thumbs-down, without selecting or opening the photo', async () => {
    const onmark = vi.fn();
    const props = tileProps({ onmark });
    render(PhotoTile, props);
    await fireEvent.click(screen.getByTestId('mark-up'));
    await fireEvent.click(screen.getByTestId('mark-down'));
    expect(onmark).toHaveBeenNthCalledWith(1, 'up');
    expect(onmark).toHaveBeenNthCalledWith(2, 'down');
    expect(props.onclick).not.toHaveBeenCalled();
    expect(screen.queryByTestId('tile-mark')).toBeNull();
  });

  it('a marked tile shows its mark even when the mouse is elsewhere; the timeline offers no thumbs', () => {
    render(PhotoTile, tileProps({ mark: 'down', cursor: false }));
    expect(screen.getByTestId('tile-mark').dataset.mark).toBe('down');
    expect(screen.getByTestId('result-tile').dataset.mark).toBe('down');
    expect(screen.queryByTestId('mark-up')).toBeNull();
  });

  it('the chip reads "2 liked, 1 not liked" and can be removed', async () => {
    const onremove = vi.fn();
    render(QueryChip, { chip: { kind: 'feedback', key: -1, up: [1, 2], down: [3] }, thumbnailUrl: () => '', onremove, ontogglenegative: vi.fn() });
    expect(screen.getByTestId('chip-label').textContent).toBe('2 liked, 1 not liked');
    await fireEvent.click(screen.getByTestId('chip-remove'));
    expect(onremove).toHaveBeenCalledOnce();
  });

  it('Undo and Clear feedback in the results header act on the marks', async () => {
    const { query, feedback } = setup();
    feedback.mark(11, 'up');
    feedback.mark(12, 'down');
    render(FeedbackControls, { feedback });
    await fireEvent.click(screen.getByTestId('feedback-undo'));
    expect(query.request.feedback).toEqual({ up: [11], down: [] });
    await fireEvent.click(screen.getByTestId('feedback-clear'));
    expect(feedback.count).toBe(0);
  });

  it('a mark re-ranks the list in place: the same query read again, the selection and the open photo kept', async () => {
    const api = fakeClient({ hits: [hit(1, '/p/a.jpg'), hit(2, '/p/b.jpg'), hit(3, '/p/c.jpg')] });
    const { query, feedback } = setup();
    const results = new ResultsState(api);
    await results.search(query.request, query.listing, query.text);
    results.open(1);
    const generation = results.generation;
    feedback.mark(2, 'down');
    await results.search(query.request, query.listing, query.text);
    expect(api.search).toHaveBeenLastCalledWith(expect.objectContaining({ feedback: { up: [], down: [2] }, description: 'red circle', offset: 0 }));
    expect(results.generation).toBe(generation);
    expect(results.viewing).toBe(1);
    expect(results.selectedCount).toBe(1);
  });
});
