import { describe, expect, it } from 'vitest';
import { formatCpu, int8InstallNote, int8ListNote } from '../../../src-main/cli/int8-notes.ts';
import type { CpuSummary, Int8Accuracy, ModelListing } from '../../../src-main/core/api/contract.ts';

const avx2Only = { avx2: true, fma: true, avx512f: false, avx512Vnni: false, avxVnni: false };
const cpu = (overrides: Partial<CpuSummary>): CpuSummary => ({ model: 'AMD EPYC 7B12', arch: 'x64', flags: avx2Only, int8Kernel: 'saturating', ...overrides });

function listing(variant: ModelListing['variant'], int8: Int8Accuracy | null): ModelListing {
  return {
    id: 'clip-vit-b16-openai',
    displayName: 'CLIP ViT-B/16 (OpenAI)',
    whenToPick: 'Finer detail.',
    downloadSizeMB: 600,
    languages: ['en'],
    licence: 'MIT',
    licenceRestriction: null,
    isDefault: false,
    inCatalog: true,
    installed: variant !== null,
    variant,
    hasQuantized: true,
    active: true,
    pending: false,
    int8,
  };
}

describe('status: the CPU line', () => {
  it.each<[string, CpuSummary, RegExp]>([
    [
      'an AVX2 machine',
      cpu({}),
      /^CPU: AMD EPYC 7B12 \(x64; AVX2, FMA; no AVX-512F, AVX-512 VNNI, AVX-VNNI\)\. int8 models: drift from fp32 here \(no VNNI: .*saturate\)\.$/,
    ],
    [
      'a VNNI machine',
      cpu({ flags: { ...avx2Only, avx512f: true, avx512Vnni: true }, int8Kernel: 'exact' }),
      /AVX2, FMA, AVX-512F, AVX-512 VNNI; no AVX-VNNI\)\. int8 models: exact integer products here\.$/,
    ],
    ['Windows, flags unknown', cpu({ flags: null, int8Kernel: 'exact' }), /\(x64; instruction-set flags not readable on this system\)/],
    ['onnxruntime broken', cpu({ int8Kernel: null }), /int8 models: onnxruntime could not be asked/],
  ])('%s', (_, summary, expected) => {
    expect(formatCpu(summary)).toMatch(expected);
  });
});

describe('models install --quantized: what int8 costs here', () => {
  it('says nothing where int8 is exact, or for the fp32 variant', () => {
    expect(int8InstallNote(listing('quantized', { kernel: 'exact', cosine: { image: 0.9998, text: 0.9997 } }))).toBeNull();
    expect(int8InstallNote(listing('fp32', { kernel: 'saturating', cosine: null }))).toBeNull();
  });

  it('gives the cosine measured on this machine and the way back to fp32 when int8 drifts', () => {
    const note = int8InstallNote(listing('quantized', { kernel: 'saturating', cosine: { image: 0.9548, text: 0.9159 } }))!;
    expect(note).toMatch(/no VNNI/);
    expect(note).toContain('cosine 0.955 (photos) and 0.916 (texts) to fp32');
    expect(note).toMatch(/ranked noticeably differently/);
    expect(note).toContain('`photo-search models install clip-vit-b16-openai`');
  });

  it('says when the measured cost is small, although the kernel saturates', () => {
    const note = int8InstallNote(listing('quantized', { kernel: 'saturating', cosine: { image: 0.9996, text: 0.9995 } }))!;
    expect(note).toContain('cosine 0.9996 (photos) and 0.9995 (texts)');
    expect(note).toMatch(/close to fp32/);
    expect(note).not.toMatch(/noticeably/);
  });

  it('without the fp32 variant to compare, gives typical figures and how to have it measured', () => {
    const note = int8InstallNote(listing('quantized', { kernel: 'saturating', cosine: null }))!;
    expect(note).toMatch(/could not be measured: only its int8 files are installed/);
    expect(note).toMatch(/cosine 0\.95 \(photos\) and 0\.92 \(texts\)/);
    expect(note).toContain('`photo-search models install clip-vit-b16-openai`');
  });
});

describe('models list: the int8 line', () => {
  it.each<[string, ModelListing, string | null]>([
    ['exact kernel', listing('quantized', { kernel: 'exact', cosine: null }), null],
    ['fp32 installed, nothing measured', listing('fp32', { kernel: 'saturating', cosine: null }), null],
    [
      'int8 installed, not measured',
      listing('quantized', { kernel: 'saturating', cosine: null }),
      'int8 on this CPU: drifts from fp32 (no VNNI); not measured, only the int8 files are installed',
    ],
    [
      'int8 installed, measured',
      listing('quantized', { kernel: 'saturating', cosine: { image: 0.9548, text: 0.9159 } }),
      'int8 on this CPU: cosine to fp32 0.955 (photos), 0.916 (texts), measured here',
    ],
  ])('%s', (_, m, expected) => {
    expect(int8ListNote(m)).toBe(expected);
  });
});
