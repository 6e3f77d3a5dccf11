import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { cpuFeatures, type X86Flags } from '../src-main/core/models/cpu-features.ts';
import { int8Kernel, type Int8Kernel } from '../src-main/core/models/int8-kernel.ts';

export interface MachineInfo {
  host: string;
  platform: string;
  cpu: string;
  cores: number;
  /** SIMD extensions that decide inference speed (Linux only; empty elsewhere). */
  simd: string[];
  /** The x86 flags that decide int8 accuracy (Linux and macOS; null on Windows and other CPUs). */
  x86Flags: X86Flags | null;
  /** onnxruntime's int8 matrix product here: exact, or saturating 16-bit pair sums (x86 without VNNI); null if it could not run. */
  int8Kernel: Int8Kernel | null;
  ramGB: number;
  node: string;
  onnxruntime: string;
  sharp: string;
  libvips: string;
  hnswlib: string;
  commit: string | null;
  /** Uncommitted changes in the working tree when the run started. */
  dirty: boolean | null;
  loadAverageAtStart: number[];
}

const SIMD_FLAGS = ['avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx_vnni', 'avx512_bf16', 'amx_int8', 'asimd', 'sve'];

function cpuFlags(): string[] {
  try {
    const flags = new Set(/^(?:flags|Features)\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].split(/\s+/) ?? []);
    return SIMD_FLAGS.filter((f) => flags.has(f));
  } catch {
    return [];
  }
}

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function packageVersion(name: string, root: string): string {
  try {
    return (JSON.parse(readFileSync(`${root}/node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** What the int8 figures depend on: the same int8 model is exact on one CPU and drifts on another. */
export function int8KernelLabel(kernel: MachineInfo['int8Kernel']): string {
  if (kernel === 'exact') return 'exact (32-bit sums: VNNI, AMX or ARM)';
  if (kernel === 'saturating') return 'saturating 16-bit pair sums (x86 without VNNI): full-range 8-bit weights drift';
  return 'unknown (onnxruntime could not run its probe)';
}

export async function machineInfo(root: string): Promise<MachineInfo> {
  const status = git(['status', '--porcelain'], root);
  return {
    host: os.hostname(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    simd: cpuFlags(),
    x86Flags: cpuFeatures().flags,
    int8Kernel: await int8Kernel().catch(() => null),
    ramGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    onnxruntime: ort.env.versions.node ?? ort.env.versions.common,
    sharp: sharp.versions.sharp ?? 'unknown',
    libvips: sharp.versions.vips,
    hnswlib: packageVersion('hnswlib-node', root),
    commit: git(['rev-parse', '--short', 'HEAD'], root),
    dirty: status === null ? null : status.length > 0,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
