import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeFlags } from '../src-main/core/models/cpu-features.ts';
import { formatSize, type BenchOptions } from './args.ts';
import type { Figure, SectionResult } from './figures.ts';
import { int8KernelLabel, type MachineInfo } from './machine.ts';

export const RESULT_SCHEMA = 1;

export interface BenchResult {
  schema: typeof RESULT_SCHEMA;
  startedAt: string;
  finishedAt: string;
  options: BenchOptions;
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  sections: SectionResult[];
  /** Sections that could not finish, with why; the others are still reported. */
  errors: Array<{ section: string; message: string }>;
}

/** Medians of the last earlier run on the same host in the same mode, by figure id. */
export type Previous = { file: string; medians: Map<string, number> } | null;

function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toFixed(0);
  if (abs >= 100) return value.toFixed(1).replace(/\.0$/, '');
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** Cosines near 1 and recalls near the target need more digits than a rate does. */
const DECIMALS: Record<string, number> = { cosine: 4, recall: 3, share: 3, ratio: 2 };

function formatValue(value: number, unit: string): string {
  const decimals = DECIMALS[unit];
  return decimals === undefined ? formatNumber(value) : value.toFixed(decimals);
}

function formatTarget(f: Figure): string {
  if (!f.target) return '';
  const parts = [];
  if (f.target.atLeast !== undefined) parts.push(`>= ${formatValue(f.target.atLeast, f.unit)}`);
  if (f.target.atMost !== undefined) parts.push(`<= ${formatValue(f.target.atMost, f.unit)}`);
  return parts.join(', ');
}

function formatPrevious(f: Figure, previous: Previous): string {
  const before = previous?.medians.get(f.id);
  if (before === undefined) return '';
  const change = before === 0 ? 0 : ((f.summary.median - before) / Math.abs(before)) * 100;
  return `${formatValue(before, f.unit)} (${change >= 0 ? '+' : ''}${change.toFixed(0)}%)`;
}

function machineTable(r: BenchResult): string[] {
  const m = r.machine;
  const simd = m.simd.length ? `; ${m.simd.join(', ')}` : '';
  const mode = r.options.quick ? 'quick smoke run' : 'full';
  return [
    '| Machine | |',
    '|---|---|',
    `| CPU | ${m.cpu} (${m.cores} cores${simd}) |`,
    `| int8 flags and kernel | ${m.x86Flags ? `${describeFlags(m.x86Flags)}; ` : ''}onnxruntime u8×s8 product ${int8KernelLabel(m.int8Kernel)} |`,
    `| RAM | ${m.ramGB} GB |`,
    `| Platform | ${m.platform} |`,
    `| Software | Node ${m.node}, onnxruntime-node ${m.onnxruntime}, sharp ${m.sharp} (libvips ${m.libvips}), hnswlib-node ${m.hnswlib} |`,
    `| Commit | ${m.commit ?? 'unknown'}${m.dirty ? ' with uncommitted changes' : ''} |`,
    `| Load average (1/5/15 min) | start ${m.loadAverageAtStart.join(' / ')}, end ${r.loadAverageAtEnd.join(' / ')} |`,
    `| Run | ${mode}, ${r.options.runs} runs per figure, sizes ${r.options.sizes.map(formatSize).join(', ')} |`,
  ];
}

export function markdownReport(r: BenchResult, previous: Previous): string {
  const lines = [`# photo-search benchmark, ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${r.machine.host}`, '', ...machineTable(r), ''];
  if (previous) lines.push(`Previous: compared with ${previous.file}.`, '');
  for (const s of r.sections) {
    lines.push(`## ${s.title}`, '', '| Figure | Median | Min | Max | Runs | Unit | Target | Status | Previous |', '|---|---:|---:|---:|---:|---|---|---|---|');
    for (const f of s.figures) {
      const status = f.met === undefined ? '' : f.met ? 'met' : '**MISSED**';
      const { median, min, max, runs } = f.summary;
      lines.push(
        `| ${f.label} | ${formatValue(median, f.unit)} | ${formatValue(min, f.unit)} | ${formatValue(max, f.unit)} | ${runs} | ${f.unit} | ${formatTarget(f)} | ${status} | ${formatPrevious(f, previous)} |`,
      );
    }
    lines.push('');
    for (const n of s.notes) lines.push(`- ${n}`);
    if (s.notes.length) lines.push('');
  }
  if (r.errors.length) {
    lines.push('## Sections that did not finish', '');
    for (const e of r.errors) lines.push(`- ${e.section}: ${e.message}`);
    lines.push('');
  }
  const targets = r.sections.flatMap((s) => s.figures).filter((f) => f.met !== undefined);
  if (targets.length) lines.push(`Targets: ${targets.filter((f) => f.met).length} of ${targets.length} met.`, '');
  return lines.join('\n');
}

function resultStem(r: BenchResult): string {
  const host = r.machine.host.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${r.startedAt.slice(0, 10)}-${host}${r.options.quick ? '-quick' : ''}`;
}

/** The latest result of the same host and mode, so a regression shows next to the new figure. */
export function findPrevious(dir: string, host: string, quick: boolean): Previous {
  if (!existsSync(dir)) return null;
  const candidates = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      try {
        return { file: f, result: JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as BenchResult };
      } catch {
        return null;
      }
    })
    .filter((c): c is { file: string; result: BenchResult } => c !== null && c.result.machine?.host === host && c.result.options?.quick === quick)
    .sort((a, b) => a.result.startedAt.localeCompare(b.result.startedAt));
  const last = candidates.at(-1);
  if (!last) return null;
  return { file: last.file, medians: new Map(last.result.sections.flatMap((s) => s.figures.map((f) => [f.id, f.summary.median] as const))) };
}

/** Writes `<date>-<host>[-quick][-n].json` and the same name `.md`, never replacing an earlier run. */
export function saveResult(dir: string, r: BenchResult, markdown: string): string[] {
  mkdirSync(dir, { recursive: true });
  const stem = resultStem(r);
  let name = stem;
  for (let n = 2; existsSync(path.join(dir, `${name}.json`)); n++) name = `${stem}-${n}`;
  const json = path.join(dir, `${name}.json`);
  const md = path.join(dir, `${name}.md`);
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(md, markdown);
  return [json, md];
}
