import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpuFeatures, describeFlags, parseDarwinSysctl, parseProcCpuinfo, type X86Flags } from '../../../src-main/core/models/cpu-features.ts';

const none: X86Flags = { avx2: false, fma: false, avx512f: false, avx512Vnni: false, avxVnni: false };

/** /proc/cpuinfo as Linux writes it: one block per logical CPU, the flags on one line. */
const cpuinfo = (flags: string) =>
  `processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: test\nflags\t\t: ${flags}\nbugs\t\t: sysret_ss_attrs\n\nprocessor\t: 1\nflags\t\t: ${flags}\n`;

describe('reading the x86 flags that decide int8 accuracy', () => {
  it.each<[string, string, X86Flags | null]>([
    ['AMD Zen 2 (AVX2, no AVX-512)', cpuinfo('fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 sha_ni'), { ...none, avx2: true, fma: true }],
    [
      'Intel Ice Lake server (AVX-512 with VNNI)',
      cpuinfo('fpu sse2 fma avx avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_vnni avx512_bitalg'),
      { ...none, avx2: true, fma: true, avx512f: true, avx512Vnni: true },
    ],
    ['Intel Alder Lake (AVX-VNNI without AVX-512)', cpuinfo('fpu sse2 fma avx avx2 avx_vnni sha_ni'), { ...none, avx2: true, fma: true, avxVnni: true }],
    ['Intel Skylake-SP (AVX-512 without VNNI)', cpuinfo('fma avx avx2 avx512f avx512bw avx512vl'), { ...none, avx2: true, fma: true, avx512f: true }],
    ['ARM (a Features line, no flags)', 'processor\t: 0\nFeatures\t: fp asimd evtstrm aes asimddp\n', null],
  ])('%s', (_, text, expected) => {
    expect(parseProcCpuinfo(text)).toEqual(expected);
  });

  it.each<[string, string, X86Flags | null]>([
    [
      'Intel Mac, Coffee Lake',
      'FPU VME DE PSE FMA CX16 SSE4.1 SSE4.2 AVX1.0 RDRAND F16C\nRDWRFSGS TSC_THREAD_OFFSET BMI1 AVX2 SMEP BMI2 ERMS\n',
      { ...none, avx2: true, fma: true },
    ],
    [
      'Intel Mac, Ice Lake',
      'FPU FMA SSE4.2 AVX1.0\nAVX2 AVX512F AVX512DQ AVX512CD AVX512BW AVX512VL AVX512VNNI\n',
      { ...none, avx2: true, fma: true, avx512f: true, avx512Vnni: true },
    ],
    ['no answer', '\n', null],
  ])('macOS sysctl: %s', (_, text, expected) => {
    expect(parseDarwinSysctl(text)).toEqual(expected);
  });

  it('says what the CPU has, then what it lacks', () => {
    expect(describeFlags({ ...none, avx2: true, fma: true })).toBe('AVX2, FMA; no AVX-512F, AVX-512 VNNI, AVX-VNNI');
    expect(describeFlags({ avx2: true, fma: true, avx512f: true, avx512Vnni: true, avxVnni: true })).toBe('AVX2, FMA, AVX-512F, AVX-512 VNNI, AVX-VNNI');
  });

  it('reads this machine: its flags on Linux x86, none elsewhere', () => {
    const cpu = cpuFeatures();
    expect(cpu.arch).toBe(process.arch);
    expect(cpu.model.length).toBeGreaterThan(0);
    if (process.platform === 'linux' && process.arch === 'x64') expect(cpu.flags).toEqual(parseProcCpuinfo(readFileSync('/proc/cpuinfo', 'utf8')));
    if (process.platform === 'win32' || (process.arch !== 'x64' && process.arch !== 'ia32')) expect(cpu.flags).toBeNull();
  });
});
