import type { CpuSummary, ModelListing } from '../core/api/contract.ts';
import { describeFlags } from '../core/api/cpu.ts';

/**
 * Below this cosine to fp32, int8 changes which photos come first: the generated
 * models' tests and benchmarks hold int8 to it (test/unit/bench/clip-shaped-model.test.ts).
 */
const CLOSE = 0.99;

/**
 * What full-range 8-bit weights cost on a CPU whose int8 kernel saturates, and what 7-bit
 * weights cost: the generated ViT-B/32-shaped model, mean cosine to fp32 of images and
 * texts, measured under QEMU's Haswell emulation (bench int8 section; README, Performance).
 */
const FULL_RANGE = { image: 0.95, text: 0.92 };
const SEVEN_BIT = 0.999;

const cos = (value: number): string => value.toFixed(value >= CLOSE ? 4 : 3);

/** "CPU: AMD EPYC 7B13 (x64; AVX2, FMA; no AVX-512F, AVX-512 VNNI, AVX-VNNI). int8 models: …", for `status`. */
export function formatCpu(cpu: CpuSummary): string {
  const flags = cpu.flags ? describeFlags(cpu.flags) : 'instruction-set flags not readable on this system';
  const int8 =
    cpu.int8Kernel === 'exact'
      ? 'exact integer products here'
      : cpu.int8Kernel === 'saturating'
        ? 'drift from fp32 here (no VNNI: onnxruntime adds int8 products in 16-bit pairs that saturate)'
        : 'onnxruntime could not be asked how it runs them';
  return `CPU: ${cpu.model} (${cpu.arch}; ${flags}). int8 models: ${int8}.`;
}

/** The int8 line under a model in `models list`, when int8 drifts on this CPU; null otherwise. */
export function int8ListNote(m: ModelListing): string | null {
  if (m.int8?.kernel !== 'saturating' || (m.variant !== 'quantized' && !m.int8.cosine)) return null;
  const { cosine } = m.int8;
  return cosine
    ? `int8 on this CPU: cosine to fp32 ${cos(cosine.image)} (photos), ${cos(cosine.text)} (texts), measured here`
    : 'int8 on this CPU: drifts from fp32 (no VNNI); not measured, only the int8 files are installed';
}

/**
 * What `models install <id> --quantized` adds after "Installed …" where int8 drifts:
 * the measured cosine to fp32 when the fp32 variant was there to compare with, else
 * what such CPUs cost other models and how to have this one measured. Null where
 * int8 is exact or the fp32 variant was installed.
 */
export function int8InstallNote(m: ModelListing): string | null {
  if (m.variant !== 'quantized' || m.int8?.kernel !== 'saturating') return null;
  const why = 'This CPU has no VNNI, so onnxruntime adds int8 products in 16-bit pairs that saturate when weights use the full 8-bit range.';
  const { cosine } = m.int8;
  if (!cosine) {
    return (
      `${why} On generated CLIP-shaped models that moved int8 embeddings to cosine ${FULL_RANGE.image} (photos) and ${FULL_RANGE.text} (texts) ` +
      `from fp32 (1 is identical; 7-bit weights stay above ${SEVEN_BIT}). What it costs this model could not be measured: only its int8 files are ` +
      `installed. To have it measured, install the fp32 variant (\`photo-search models install ${m.id}\`), then this one again.`
    );
  }
  const measured = `Measured on this machine, its int8 embeddings are at cosine ${cos(cosine.image)} (photos) and ${cos(cosine.text)} (texts) to fp32 (1 is identical)`;
  if (cosine.image >= CLOSE && cosine.text >= CLOSE) return `${why} ${measured}: its weights stay clear of that, so search stays close to fp32's.`;
  return `${why} ${measured}: results will be ranked noticeably differently. For full accuracy: \`photo-search models install ${m.id}\`.`;
}
