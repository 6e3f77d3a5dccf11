import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * The x86 instruction-set extensions that decide which integer kernel onnxruntime
 * (MLAS, onnxruntime/core/mlas/lib/platform.cpp) runs int8 models on: with AVX-512 VNNI
 * or AVX-VNNI it multiplies u8 by s8 into 32-bit sums (vpdpbusd); with AVX2 or
 * AVX-512 alone it adds pairs of products into saturating 16-bit sums (vpmaddubsw).
 */
export interface X86Flags {
  avx2: boolean;
  fma: boolean;
  avx512f: boolean;
  avx512Vnni: boolean;
  avxVnni: boolean;
}

export type X86Flag = keyof X86Flags;

/** How each flag is written in Intel's and AMD's manuals, in the order they are shown. */
export const X86_FLAG_NAMES: Record<X86Flag, string> = {
  avx2: 'AVX2',
  fma: 'FMA',
  avx512f: 'AVX-512F',
  avx512Vnni: 'AVX-512 VNNI',
  avxVnni: 'AVX-VNNI',
};

export interface CpuFeatures {
  /** The processor's name as the OS gives it (os.cpus()), e.g. "AMD EPYC 7B13". */
  model: string;
  /** Node's process.arch: "x64", "arm64", … */
  arch: string;
  /**
   * Null where Node alone cannot read them: on Windows (CPUID is not exposed without a
   * native addon) and on CPUs that are not x86.
   */
  flags: X86Flags | null;
}

/** Names in Linux's /proc/cpuinfo "flags" line (arch/x86/include/asm/cpufeatures.h). */
const LINUX_NAMES: Record<X86Flag, string> = { avx2: 'avx2', fma: 'fma', avx512f: 'avx512f', avx512Vnni: 'avx512_vnni', avxVnni: 'avx_vnni' };

/** Names in macOS's machdep.cpu.features and machdep.cpu.leaf7_features (Intel Macs; none has AVX-VNNI). */
const DARWIN_NAMES: Record<X86Flag, string> = { avx2: 'AVX2', fma: 'FMA', avx512f: 'AVX512F', avx512Vnni: 'AVX512VNNI', avxVnni: 'AVXVNNI' };

function flagsFrom(tokens: ReadonlySet<string>, names: Record<X86Flag, string>): X86Flags {
  const has = (flag: X86Flag): boolean => tokens.has(names[flag]);
  return { avx2: has('avx2'), fma: has('fma'), avx512f: has('avx512f'), avx512Vnni: has('avx512Vnni'), avxVnni: has('avxVnni') };
}

/** The flags of the first processor in a /proc/cpuinfo text; null when it has no x86 "flags" line. */
export function parseProcCpuinfo(text: string): X86Flags | null {
  const line = /^flags\s*:(.*)$/m.exec(text);
  return line ? flagsFrom(new Set(line[1].trim().split(/\s+/)), LINUX_NAMES) : null;
}

/** The flags in the output of `sysctl -n machdep.cpu.features machdep.cpu.leaf7_features`; null when it names none. */
export function parseDarwinSysctl(text: string): X86Flags | null {
  const tokens = new Set(text.trim().split(/\s+/).filter(Boolean));
  return tokens.size > 0 ? flagsFrom(tokens, DARWIN_NAMES) : null;
}

function readFlags(platform: NodeJS.Platform, arch: string): X86Flags | null {
  if (arch !== 'x64' && arch !== 'ia32') return null;
  try {
    if (platform === 'linux') return parseProcCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'));
    if (platform === 'darwin') {
      const out = execFileSync('sysctl', ['-n', 'machdep.cpu.features', 'machdep.cpu.leaf7_features'], {
        encoding: 'utf8',
        timeout: 2000,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      return parseDarwinSysctl(out);
    }
  } catch {
    // A sandbox that hides /proc or sysctl leaves the flags unknown; the int8 probe still answers.
  }
  return null;
}

let cached: CpuFeatures | undefined;

/** This machine's processor and its relevant x86 flags, read once per process. */
export function cpuFeatures(): CpuFeatures {
  cached ??= {
    model: os.cpus()[0]?.model.trim() || 'unknown processor',
    arch: process.arch,
    flags: readFlags(process.platform, process.arch),
  };
  return cached;
}

/** "AVX2, FMA; no AVX-512F, AVX-512 VNNI, AVX-VNNI": what the CPU has, then what it lacks. */
export function describeFlags(flags: X86Flags): string {
  const all = Object.keys(X86_FLAG_NAMES) as X86Flag[];
  const has = all.filter((f) => flags[f]).map((f) => X86_FLAG_NAMES[f]);
  const lacks = all.filter((f) => !flags[f]).map((f) => X86_FLAG_NAMES[f]);
  return [has.join(', '), lacks.length ? `no ${lacks.join(', ')}` : ''].filter(Boolean).join('; ');
}
