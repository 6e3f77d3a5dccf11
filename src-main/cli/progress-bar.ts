import { formatEta } from './format.ts';
import type { IndexProgress, IndexStep } from '../core/api/contract.ts';

/** What each organizing step does, as the progress line says it. */
export const STEP_WORDS: Record<IndexStep['name'], string> = {
  places: 'Naming places from GPS positions',
  duplicates: 'Preparing the check for near-duplicates',
  labels: 'Labelling photos',
  classifiers: 'Applying your classifiers',
  albums: 'Filling smart albums',
  text: 'Reading words in photos',
};

export function progressLine(p: IndexProgress, width = 24): string {
  if (p.phase === 'waiting') return `Waiting for ${p.waitingFor ?? 'another photo-search process'} to finish writing the library…`;
  if (p.phase === 'scanning') return `Scanning… ${p.found} ${p.found === 1 ? 'photo' : 'photos'} found`;
  if (p.phase === 'organizing') {
    const step = p.step;
    if (!step) return 'Organizing…';
    const counted = step.total > 0 ? ` ${step.done}/${step.total}` : '';
    return `${STEP_WORDS[step.name]}…${counted}`;
  }
  const done = p.embedded + p.failed;
  const total = Math.max(p.toEmbed, done);
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const rate = p.photosPerSecond > 0 ? `${p.photosPerSecond.toFixed(1)} photos/s` : '';
  const parts = [`${bar} ${done}/${total}`, rate, `ETA ${formatEta(p.etaSeconds)}`, `${p.failed} errors`];
  if (p.paused) parts.push('paused');
  return parts.filter(Boolean).join('  ');
}

export function summaryLine(p: IndexProgress): string {
  const parts = [
    `${p.found} photos found`,
    `${p.embedded} embedded`,
    `${p.reused} reused (moved or copied)`,
    `${p.unchanged} unchanged`,
    `${p.removed} removed`,
    `${p.failed} failed`,
  ];
  const head = p.phase === 'cancelled' ? 'Indexing stopped; run it again to continue.' : 'Indexing done.';
  const offline = p.offline.length ? `\nOffline (photos kept): ${p.offline.join(', ')}` : '';
  return `${head} ${parts.join(', ')}.${offline}`;
}

/** Redraws one line on a terminal; prints a line now and then when output is piped. */
export class ProgressBar {
  private lastPlain = 0;
  private drawn = false;

  constructor(private readonly out: NodeJS.WriteStream) {}

  update(p: IndexProgress): void {
    const line = progressLine(p);
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else if (Date.now() - this.lastPlain > 5000) {
      this.out.write(`${line}\n`);
      this.lastPlain = Date.now();
    }
  }

  finish(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
