import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';

export interface MachineInfo {
  host: string;
  platform: string;
  cpu: string;
  cores: number;
  /** SIMD extensions that decide inference speed (Linux only; empty elsewhere). */
  simd: string[];
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

export function machineInfo(root: string): MachineInfo {
  const status = git(['status', '--porcelain'], root);
  return {
    host: os.hostname(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    simd: cpuFlags(),
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
