import { render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { IndexProgress, IndexStep } from '../../../../src-main/core/api/contract.ts';
import { startingProgress } from '../../../../src-main/core/indexer/progress.ts';
import IndexingProgress from '../../../../src-renderer/components/IndexingProgress.svelte';

function progress(overrides: Partial<IndexProgress>): IndexProgress {
  return { ...startingProgress('embedding'), found: 2000, toEmbed: 2000, ...overrides };
}

function show(p: IndexProgress) {
  render(IndexingProgress, { progress: p, onpause: vi.fn(), onresume: vi.fn(), oncancel: vi.fn() });
  return screen.getByTestId('progress-bar');
}

describe('IndexingProgress: the organizing phase, step by step', () => {
  it('says how far the embeddings are first', () => {
    const bar = show(progress({ embedded: 500 }));
    expect(screen.getByTestId('progress-count').textContent).toBe('Embedding 500 of 2,000 (25%)');
    expect(bar.getAttribute('aria-valuenow')).toBe('25');
    expect(screen.queryByTestId('progress-step')).toBeNull();
  });

  it.each<[IndexStep['name'], string]>([
    ['places', 'Naming places'],
    ['duplicates', 'Preparing to find near-duplicates'],
    ['labels', 'Labelling photos'],
    ['classifiers', 'Applying your categories'],
    ['albums', 'Filling albums'],
    ['text', 'Reading words in photos'],
  ])('names the "%s" step in plain words and counts its photos on its own bar', (name, words) => {
    const bar = show(progress({ phase: 'organizing', embedded: 2000, step: { name, done: 120, total: 2000 } }));
    expect(screen.getByTestId('progress-step').textContent).toBe(`${words} 120 of 2,000`);
    expect(bar.getAttribute('aria-valuenow')).toBe('6');
    expect(bar.getAttribute('aria-label')).toBe(`${words} 120 of 2,000`);
    expect(screen.queryByTestId('progress-count')).toBeNull();
    expect(screen.queryByTestId('progress-rate')).toBeNull();
  });

  it('sweeps the bar for a step that does not count photos, and says only what it does', () => {
    const bar = show(progress({ phase: 'organizing', embedded: 2000, step: { name: 'duplicates', done: 0, total: 0 } }));
    expect(screen.getByTestId('progress-step').textContent).toBe('Preparing to find near-duplicates');
    expect(bar.getAttribute('aria-valuenow')).toBeNull();
    expect(bar.classList.contains('indeterminate')).toBe(true);
  });
});
