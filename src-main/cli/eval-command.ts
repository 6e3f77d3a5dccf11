import path from 'node:path';
import { InputError } from '../core/api/errors.ts';
import { DEFAULT_SEEDS, evaluateFolder, type EvalReport, type FewShotResult } from '../core/api/evaluation.ts';
import type { PhotoSearchService } from '../core/api/service.ts';
import { numberOption } from './args.ts';

export const evalOptions = {
  captions: { type: 'string' },
  prompts: { type: 'string' },
  seeds: { type: 'string' },
} as const;

interface Io {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

/**
 * `photo-search eval <folder>`: the active model's zero-shot, few-shot and retrieval
 * accuracy on a folder of class subfolders (core/eval). The folder is only read and
 * its photos are not added to the library.
 */
export async function evalCommand(
  service: PhotoSearchService,
  positionals: readonly string[],
  values: { json: boolean; captions?: string; prompts?: string; seeds?: string },
  io: Io,
): Promise<number> {
  if (positionals.length !== 1) {
    throw new InputError(positionals.join(' '), 'Give one folder with a subfolder of photos per class. Example: photo-search eval ~/Pictures/labelled');
  }
  const seeds = numberOption('seeds', values.seeds, 1, 20) ?? DEFAULT_SEEDS;
  if (!Number.isInteger(seeds)) throw new InputError(String(values.seeds), '--seeds must be a whole number from 1 to 20.');
  const { model } = await service.activeModel();
  const progress = io.err.isTTY && !values.json ? (done: number, total: number) => io.err.write(`\rEmbedding photos: ${done}/${total}`) : undefined;
  const report = await evaluateFolder(model, positionals[0], {
    captions: values.captions && path.resolve(values.captions),
    descriptions: values.prompts && path.resolve(values.prompts),
    seeds,
    onProgress: progress,
  });
  if (progress) io.err.write('\n');
  io.out.write(values.json ? `${JSON.stringify(report)}\n` : formatReport(report));
  return 0;
}

function percent(value: number | null): string {
  return value === null ? '—' : `${(100 * value).toFixed(1)}%`;
}

function fewShotCell(r: FewShotResult | undefined): string {
  if (!r || r.mean === null) return 'skipped';
  return r.spread === null ? percent(r.mean) : `${percent(r.mean)} ± ${(100 * r.spread).toFixed(1)}`;
}

function formatReport(r: EvalReport): string {
  const lines = [`${r.model.name} (${r.model.id}) on ${r.folder}: ${r.classes.length} classes, ${r.images} photos.`];
  const ensemble = `prompt ensemble (${r.prompts.templates} templates${r.prompts.descriptions ? ` + ${r.prompts.descriptions} descriptions` : ''})`;
  const width = Math.max(ensemble.length, 10) + 2;
  lines.push(`Zero-shot${' '.repeat(width - 7)}top-1    top-5`);
  lines.push(`  ${'class name'.padEnd(width)}${percent(r.zeroShot.bare.top1).padStart(6)}   ${percent(r.zeroShot.bare.top5).padStart(6)}`);
  lines.push(`  ${ensemble.padEnd(width)}${percent(r.zeroShot.ensemble.top1).padStart(6)}   ${percent(r.zeroShot.ensemble.top5).padStart(6)}`);
  lines.push(`Few-shot top-1 (mean ± spread over ${r.seeds} seeds)`);
  lines.push(`  shots  ${'cache model'.padEnd(18)}trained head`);
  const shots = [...new Set(r.fewShot.map((f) => f.shots))];
  for (const k of shots) {
    const cache = r.fewShot.find((f) => f.shots === k && f.method === 'cache');
    const head = r.fewShot.find((f) => f.shots === k && f.method === 'head');
    lines.push(`  ${String(k).padStart(5)}  ${fewShotCell(cache).padEnd(18)}${fewShotCell(head)}${cache?.skipped ? `  (${cache.skipped})` : ''}`);
  }
  if (r.retrieval) {
    const t = r.retrieval;
    lines.push(
      `Text-to-image retrieval (${t.captions} captions): recall@1 ${percent(t.recallAt1)}, recall@5 ${percent(t.recallAt5)}, recall@10 ${percent(t.recallAt10)}`,
    );
  }
  if (r.skipped.length) {
    lines.push(`${r.skipped.length} ${r.skipped.length === 1 ? 'file' : 'files'} could not be read:`);
    for (const s of r.skipped) lines.push(`  ${s.path}: ${s.reason}`);
  }
  return lines.join('\n') + '\n';
}
