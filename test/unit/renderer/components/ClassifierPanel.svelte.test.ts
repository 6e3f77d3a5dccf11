import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { CategoryInfo, FitReport } from '../../../../src-main/core/api/contract.ts';
import ClassifierPanel from '../../../../src-renderer/components/ClassifierPanel.svelte';
import { OrganizeState } from '../../../../src-renderer/lib/state/organize.svelte.ts';
import { fakeClient } from './fake-client.ts';

const CATEGORIES: CategoryInfo[] = [
  { name: 'Mia', key: 'mia', examples: 4 },
  { name: 'our house', key: 'our house', examples: 3 },
];

const REPORT: FitReport = {
  modelId: 'tiny',
  method: 'linear',
  categories: [
    { name: 'Mia', key: 'mia', examples: 4, accuracy: [0.5, 0.8, 0.95] },
    { name: 'our house', key: 'our house', examples: 3, accuracy: [0.6, 0.7, 0.85] },
  ],
  blends: [
    { blend: 0, accuracy: 0.55 },
    { blend: 0.5, accuracy: 0.75 },
    { blend: 1, accuracy: 0.9 },
  ],
  recommendedBlend: 1,
  folds: 3,
  backgroundPhotos: 180,
};

async function setup(categories: CategoryInfo[] = CATEGORIES) {
  const api = fakeClient();
  api.categories = vi.fn(async () => categories);
  api.fitClassifiers = vi.fn(async () => REPORT);
  api.applyClassifiers = vi.fn(async ({ blend }: { blend: number | null }) => ({
    blend: blend ?? 1,
    categories: [
      { name: 'Mia', key: 'mia', photos: 37 },
      { name: 'our house', key: 'our house', photos: 12 },
    ],
  }));
  const organize = new OrganizeState(api);
  await organize.loadCategories();
  const onshowlabel = vi.fn();
  render(ClassifierPanel, { organize, onshowlabel });
  return { api, organize, onshowlabel };
}

const accuracies = () => screen.getAllByTestId('category-accuracy').map((a) => a.textContent);

describe('ClassifierPanel: personal categories', () => {
  it('lists the categories with their tag counts, and trains before anything is applied', async () => {
    const { api } = await setup();
    expect(screen.getAllByTestId('category-tags').map((t) => t.textContent?.trim())).toEqual(['4 photos', '3 photos']);
    expect(screen.queryByTestId('classifier-apply')).toBeNull();
    await fireEvent.click(screen.getByTestId('classifier-train'));
    expect(api.fitClassifiers).toHaveBeenCalledOnce();
    // The cross-validated accuracy at the recommended blend, overall and per category, with nothing applied yet.
    expect((await screen.findByTestId('classifier-accuracy')).textContent).toBe('90%');
    expect(accuracies()).toEqual(['95%', '85%']);
    expect(screen.getByTestId('classifier-report').textContent).toContain('(recommended)');
    expect(api.applyClassifiers).not.toHaveBeenCalled();
  });

  it('shows the accuracy of each blend on the slider and applies the blend the slider is on', async () => {
    const { api, onshowlabel } = await setup();
    await fireEvent.click(screen.getByTestId('classifier-train'));
    const slider = (await screen.findByTestId('classifier-blend')) as HTMLInputElement;
    expect(slider.value).toBe('2');
    await fireEvent.input(slider, { target: { value: '1' } });
    expect(screen.getByTestId('classifier-accuracy').textContent).toBe('75%');
    expect(accuracies()).toEqual(['80%', '70%']);
    await fireEvent.click(screen.getByTestId('classifier-apply'));
    await waitFor(() => expect(api.applyClassifiers).toHaveBeenCalledWith({ blend: 0.5 }));
    const applied = await screen.findByTestId('classifier-applied');
    expect(applied.textContent).toContain('37 photos');
    await fireEvent.click(screen.getAllByTestId('classifier-show-label')[0]);
    expect(onshowlabel).toHaveBeenCalledWith('Mia');
  });

  it('cannot train while a category has fewer than 2 tagged photos, and says how many more it needs', async () => {
    await setup([{ name: 'Max', key: 'max', examples: 1 }]);
    expect(screen.getByTestId('category-tags').textContent).toContain('tag 1 more');
    expect((screen.getByTestId('classifier-train') as HTMLButtonElement).disabled).toBe(true);
  });

  it('forgets the report when the tags change, so training again is one click', async () => {
    const { api, organize } = await setup();
    await fireEvent.click(screen.getByTestId('classifier-train'));
    await screen.findByTestId('classifier-report');
    api.tagPhotos = vi.fn(async () => [{ ...CATEGORIES[0], examples: 8 }, CATEGORIES[1]]);
    await organize.tag('Mia', [20, 21, 22, 23]);
    await waitFor(() => expect(screen.queryByTestId('classifier-report')).toBeNull());
    expect(screen.getAllByTestId('category-tags')[0].textContent?.trim()).toBe('8 photos');
    await fireEvent.click(screen.getByTestId('classifier-train'));
    await screen.findByTestId('classifier-report');
    expect(api.fitClassifiers).toHaveBeenCalledTimes(2);
  });
});
