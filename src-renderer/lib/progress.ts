import type { IndexProgress } from '../../src-main/core/api/contract.ts';

export interface ProgressView {
  done: number;
  total: number;
  /** 0..1 */
  ratio: number;
  running: boolean;
}

export function progressView(p: IndexProgress): ProgressView {
  const done = p.embedded + p.failed;
  const total = Math.max(p.toEmbed, done);
  const finished = p.phase === 'done' || p.phase === 'cancelled';
  return {
    done,
    total,
    ratio: p.phase === 'done' ? 1 : total === 0 ? 0 : Math.min(1, done / total),
    running: !finished,
  };
}
