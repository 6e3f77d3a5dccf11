import fs from 'node:fs';
import path from 'node:path';

/** Two abnormal ends with the same file being decoded: it is the file, not bad luck. */
export const QUARANTINE_STRIKES = 2;

export const QUARANTINE_REASON = 'the app stopped twice while reading this file (a decoder crash); it is skipped until the file changes';

/**
 * Photos being decoded right now, kept in a small side file. If the process dies
 * (a native crash in a decoder, or a kill), the file names what was in flight.
 * A file found there twice in a row is quarantined, so one poison photo cannot
 * crash-loop the indexer; a file found once is simply tried again.
 */
export class DecodeSuspects {
  private readonly previous: Map<string, number>;
  private readonly current = new Map<string, number>();

  constructor(private readonly file: string) {
    this.previous = readStrikes(file);
  }

  /** Files left in flight by earlier runs often enough to skip. */
  quarantined(): string[] {
    return [...this.previous].filter(([, strikes]) => strikes >= QUARANTINE_STRIKES).map(([p]) => p);
  }

  started(photo: string): void {
    this.current.set(photo, (this.previous.get(photo) ?? 0) + 1);
    this.write();
  }

  finished(photo: string): void {
    this.current.delete(photo);
    this.previous.delete(photo);
    this.write();
  }

  /** A run that ends normally leaves nothing in flight. */
  close(): void {
    this.current.clear();
    for (const p of this.quarantined()) this.previous.delete(p);
    this.write();
  }

  private write(): void {
    const entries = Object.fromEntries([...this.previous].filter(([p]) => !this.current.has(p)).concat([...this.current]));
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    // No fsync: this only has to survive the process, not the machine.
    const temp = `${this.file}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(entries));
    fs.renameSync(temp, this.file);
  }
}

function readStrikes(file: string): Map<string, number> {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!parsed || typeof parsed !== 'object') return new Map();
    return new Map(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number'));
  } catch {
    return new Map();
  }
}
