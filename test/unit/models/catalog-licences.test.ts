import { describe, expect, it } from 'vitest';
import { defaultModelId, loadCatalog } from '../../../src-main/core/models/catalog.ts';

describe('the model catalog records each model’s licence', () => {
  const entries = loadCatalog();

  it('marks the weights nobody may use commercially: MobileCLIP (research only) and NLLB-CLIP (CC-BY-NC)', () => {
    expect(entries.find((e) => e.id === 'mobileclip-s0')?.licenceRestriction).toBe('research-only');
    expect(entries.find((e) => e.id === 'nllb-clip-base-siglip')?.licenceRestriction).toBe('non-commercial');
  });

  it.each(entries.map((e) => [e.id, e] as const))('%s: a licence that names a restriction carries the flag the interface shows', (_id, entry) => {
    const restrictive = /(^|[-\s(])NC([-\s)]|$)|non-?commercial|research/i.test(entry.licence);
    expect(entry.licenceRestriction !== undefined).toBe(restrictive);
  });

  it('never makes restricted weights the default', () => {
    expect(entries.find((e) => e.id === defaultModelId())?.licenceRestriction).toBeUndefined();
  });
});
