import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { LabelInfo, PhotoLabel } from '../../../../src-main/core/api/contract.ts';
import LabelsPanel from '../../../../src-renderer/components/LabelsPanel.svelte';
import PhotoLabels from '../../../../src-renderer/components/PhotoLabels.svelte';
import { OrganizeState } from '../../../../src-renderer/lib/state/organize.svelte.ts';
import { ApiError } from '../../../../src-renderer/lib/api/api-error.ts';
import { fakeClient } from './fake-client.ts';

const label = (name: string, strength: number, source: PhotoLabel['source'] = 'vocabulary'): PhotoLabel => ({
  name,
  key: name.toLowerCase(),
  strength,
  source,
  refines: null,
});
const info = (name: string, photos: number, origin: LabelInfo['origin'] = 'builtin', group = 'scenes'): LabelInfo => ({
  name,
  key: name.toLowerCase(),
  group: origin === 'user' ? 'user' : group,
  origin,
  photos,
});

function setupPhoto(labels: PhotoLabel[], vocabulary: LabelInfo[] = []) {
  const api = fakeClient();
  api.photoLabels = vi.fn(async () => labels);
  const onshowlabel = vi.fn();
  render(PhotoLabels, { api, id: 7, vocabulary, onshowlabel });
  return { api, onshowlabel };
}

describe('PhotoLabels: a photo’s labels in the lightbox', () => {
  it('shows each label with its strength, strongest first, and searches a label when it is clicked', async () => {
    const { api, onshowlabel } = setupPhoto([label('beach', 0.87), label('sea', 0.42)]);
    await waitFor(() => expect(screen.getAllByTestId('photo-label')).toHaveLength(2));
    expect(api.photoLabels).toHaveBeenCalledWith({ id: 7 });
    expect(screen.getAllByTestId('photo-label-search').map((b) => b.textContent)).toEqual(['beach', 'sea']);
    expect(screen.getAllByTestId('photo-label-strength').map((s) => s.textContent)).toEqual(['87%', '42%']);
    await fireEvent.click(screen.getAllByTestId('photo-label-search')[1]);
    expect(onshowlabel).toHaveBeenCalledWith('sea');
  });

  it('sends the user’s correction, "not this" and "this is right", and shows the labels the engine answers', async () => {
    const { api } = setupPhoto([label('beach', 0.87), label('sea', 0.42)]);
    await waitFor(() => expect(screen.getAllByTestId('photo-label')).toHaveLength(2));
    api.correctLabel = vi.fn(async () => [label('sea', 0.42)]);
    await fireEvent.click(screen.getByRole('button', { name: 'Not beach' }));
    expect(api.correctLabel).toHaveBeenCalledWith({ id: 7, name: 'beach', has: false });
    await waitFor(() => expect(screen.getAllByTestId('photo-label')).toHaveLength(1));
    api.correctLabel = vi.fn(async () => [label('sea', 1, 'user')]);
    await fireEvent.click(screen.getByRole('button', { name: 'sea is right' }));
    expect(api.correctLabel).toHaveBeenCalledWith({ id: 7, name: 'sea', has: true });
    await waitFor(() => expect(screen.getByTestId('photo-label').dataset.source).toBe('user'));
    // A label the user gave can be handed back to the model.
    await fireEvent.click(screen.getByTestId('photo-label-undo'));
    expect(api.correctLabel).toHaveBeenLastCalledWith({ id: 7, name: 'sea', has: null });
  });

  it('adds a label from the vocabulary, offering only those the photo does not carry', async () => {
    const { api } = setupPhoto([label('beach', 0.87)], [info('beach', 3), info('receipt', 1, 'builtin', 'documents')]);
    await waitFor(() => expect(screen.getAllByTestId('photo-label')).toHaveLength(1));
    const options = Array.from(document.querySelectorAll('datalist option')).map((o) => (o as HTMLOptionElement).value);
    expect(options).toEqual(['receipt']);
    api.correctLabel = vi.fn(async () => [label('receipt', 1, 'user'), label('beach', 0.87)]);
    await fireEvent.input(screen.getByTestId('photo-label-add-input'), { target: { value: 'receipt' } });
    await fireEvent.click(screen.getByTestId('photo-label-add'));
    expect(api.correctLabel).toHaveBeenCalledWith({ id: 7, name: 'receipt', has: true });
    await waitFor(() => expect(screen.getAllByTestId('photo-label')).toHaveLength(2));
    expect((screen.getByTestId('photo-label-add-input') as HTMLInputElement).value).toBe('');
  });

  it('says when no label stands out, and shows the engine’s refusal in its words', async () => {
    const { api } = setupPhoto([]);
    await screen.findByTestId('photo-labels-none');
    api.correctLabel = vi.fn(async () => {
      throw new ApiError('invalid-input', 'A label name has at most 100 characters.');
    });
    await fireEvent.input(screen.getByTestId('photo-label-add-input'), { target: { value: 'x'.repeat(120) } });
    await fireEvent.click(screen.getByTestId('photo-label-add'));
    expect((await screen.findByTestId('photo-labels-error')).textContent).toBe('A label name has at most 100 characters.');
  });
});

describe('LabelsPanel: the vocabulary', () => {
  async function setupPanel(vocabulary: LabelInfo[]) {
    const api = fakeClient();
    api.labels = vi.fn(async () => vocabulary);
    const organize = new OrganizeState(api);
    await organize.loadLabels();
    const onshowlabel = vi.fn();
    render(LabelsPanel, { organize, onshowlabel });
    return { api, organize, onshowlabel };
  }

  it('lists the labels with their counts, finds one by name, and searches it when clicked', async () => {
    const { onshowlabel } = await setupPanel([info('beach', 1234), info('receipt', 3, 'builtin', 'documents'), info('Max’s bike', 2, 'user')]);
    expect(screen.getAllByTestId('label-count').map((c) => c.textContent)).toEqual(['1,234', '3', '2']);
    await fireEvent.input(screen.getByTestId('labels-find'), { target: { value: 'docu' } });
    expect(screen.getAllByTestId('label-row').map((r) => r.dataset.key)).toEqual(['receipt']);
    await fireEvent.input(screen.getByTestId('labels-find'), { target: { value: 'zebra' } });
    expect(screen.getByTestId('labels-none').textContent).toContain('zebra');
    await fireEvent.input(screen.getByTestId('labels-find'), { target: { value: 'bea' } });
    await fireEvent.click(screen.getByRole('button', { name: 'beach' }));
    expect(onshowlabel).toHaveBeenCalledWith('beach');
  });

  it('adds the user’s own label and removes one, reading the vocabulary again each time', async () => {
    const { api } = await setupPanel([info('beach', 10)]);
    api.labels = vi.fn(async () => [info('beach', 10), info('sailing boat', 0, 'user')]);
    await fireEvent.input(screen.getByTestId('labels-add-input'), { target: { value: ' sailing boat ' } });
    await fireEvent.click(screen.getByTestId('labels-add'));
    expect(api.addLabel).toHaveBeenCalledWith({ name: 'sailing boat' });
    await waitFor(() => expect(screen.getAllByTestId('label-row')).toHaveLength(2));
    api.labels = vi.fn(async () => [info('sailing boat', 0, 'user')]);
    await fireEvent.click(screen.getByRole('button', { name: 'Remove the label beach' }));
    expect(api.removeLabel).toHaveBeenCalledWith({ name: 'beach' });
    await waitFor(() => expect(screen.getAllByTestId('label-row').map((r) => r.dataset.key)).toEqual(['sailing boat']));
  });
});
