import fs from 'node:fs';

/**
 * This process's peak resident memory, MB. On Linux it is VmHWM from /proc/self/status:
 * getrusage's ru_maxrss (process.resourceUsage().maxRSS) survives exec, so a child the
 * benchmark starts would report at least the benchmark's own resident memory at the
 * moment it forked. Elsewhere ru_maxrss is all there is.
 */
export function peakRssMB(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (kb) return Number(kb[1]) / 1024;
  } catch {
    // Not Linux: fall through.
  }
  return process.resourceUsage().maxRSS / 1024;
}
