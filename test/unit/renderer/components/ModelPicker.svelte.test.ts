import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { ModelListing } from '../../../../src-main/core/api/contract.ts';
import ModelPicker from '../../../../src-renderer/components/ModelPicker.svelte';
import { fakeClient } from './fake-client.ts';

function listing(overrides: Partial<ModelListing>): ModelListing {
  return {
    id: 'clip-vit-b32-laion2b',
    displayName: 'CLIP ViT-B/32 (LAION-2B)',
    whenToPick: 'The default.',
    downloadSizeMB: 600,
    languages: ['en'],
    licence: 'MIT',
    licenceRestriction: null,
    isDefault: true,
    inCatalog: true,
    installed: false,
    variant: null,
    hasQuantized: true,
    active: false,
    pending: false,
    int8: null,
    ...overrides,
  };
}

async function setup(models: ModelListing[]) {
  const api = fakeClient();
  vi.mocked(api.models).mockResolvedValue({ models, modelsDir: '/lib/models', customModelDir: null });
  vi.mocked(api.installModel).mockImplementation(async ({ id }) => ({ ...models.find((m) => m.id === id)!, installed: true }));
  render(ModelPicker, { api, onchange: vi.fn() });
  await screen.findAllByTestId('model-item');
  return api;
}

describe('ModelPicker', () => {
  it('says, next to the int8 download, that int8 drifts on a CPU whose kernel saturates, with the cosines measured here', async () => {
    const api = await setup([listing({ int8: { kernel: 'saturating', cosine: { image: 0.9712, text: 0.9855 } } })]);
    const note = screen.getByTestId('model-int8');
    expect(note.dataset.kernel).toBe('saturating');
    expect(note.textContent).toMatch(/drifts/);
    expect(note.textContent).toContain('0.9712');
    expect(note.textContent).toContain('0.9855');
    await fireEvent.click(screen.getByTestId('model-install-int8'));
    await waitFor(() => expect(api.installModel).toHaveBeenCalledWith({ id: 'clip-vit-b32-laion2b', quantized: true }));
  });

  it('says int8 is exact where the kernel is', async () => {
    await setup([listing({ int8: { kernel: 'exact', cosine: null } })]);
    expect(screen.getByTestId('model-int8').textContent).toMatch(/exact on this processor/);
  });

  it('shows each model’s licence, and marks weights that are not for commercial use', async () => {
    await setup([
      listing({}),
      listing({ id: 'nllb-clip-base-siglip', displayName: 'NLLB-CLIP', licence: 'CC-BY-NC-4.0', isDefault: false, installed: true, hasQuantized: false }),
    ]);
    const [open, nc] = screen.getAllByTestId('model-item').map((item) => within(item).getByTestId('model-licence'));
    expect(open.textContent).toContain('MIT');
    expect(open.textContent).not.toMatch(/not for commercial use/);
    expect(nc.textContent).toContain('CC-BY-NC-4.0');
    expect(nc.textContent).toMatch(/not for commercial use/);
  });
});
