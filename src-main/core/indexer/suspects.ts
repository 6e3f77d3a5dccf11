import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ProbeVerdict } from './decode-probe.ts';

/** Two abnormal ends with the same file being decoded make it a suspect worth checking on its own. */
export const QUARANTINE_STRIKES = 2;

const RETRY_HINT = 'it is skipped until the file changes or you retry failed files';

/** The failure reason of a quarantined file, from what checking it on its own showed. */
export function quarantineReason(verdict: Extract<ProbeVerdict, { kind: 'crashed' | 'unavailable' }>): string {
  return verdict.kind === 'crashed'
    ? `reading this file crashed the decoder twice during indexing and again on its own (${verdict.how}); ${RETRY_HINT}`
    : `the app stopped twice while reading this file, and it could not be tried on its own (${verdict.why}); ${RETRY_HINT}`;
}

const quarantinedSchema = z.object({ size: z.number(), mtimeMs: z.number(), reason: z.string() });
type Quarantined = z.infer<typeof quarantinedSchema>;

const stateSchema = z.object({
  strikes: z.record(z.string(), z.number().int().positive()),
  quarantined: z.record(z.string(), quarantinedSchema),
});
/** What earlier versions wrote: strikes per file, nothing else. */
const legacySchema = z.record(z.string(), z.number().int().positive());

/**
 * Photos being decoded right now, and the ones found to crash the decoder, kept in
 * a small side file in the library folder (only the process holding the library's
 * writer lock indexes, so only it writes this file). If the process dies (a native
 * crash in a decoder, or just a kill), the file names what was in flight; each
 * such photo gets a strike. A photo with QUARANTINE_STRIKES strikes is decoded on
 * its own in a separate process (`probe`) before it is quarantined: a valid photo
 * that happened to be in flight during two kills decodes there and is indexed as
 * usual; one that crashes that process too is quarantined until the file changes
 * or the user asks to retry, so one poison photo cannot crash-loop the indexer.
 */
export class DecodeSuspects {
  private readonly strikes: Map<string, number>;
  private readonly held: Map<string, Quarantined>;
  private readonly current = new Map<string, number>();

  constructor(
    private readonly file: string,
    private readonly probe: (photo: string) => Promise<ProbeVerdict>,
  ) {
    const state = readState(file);
    this.strikes = state.strikes;
    this.held = state.quarantined;
  }

  /**
   * Files to leave out of this run, with the reason to record: the ones quarantined
   * earlier whose file did not change, and the suspects that crash the decoder when
   * tried on their own now. Suspects that decode (or fail in an ordinary way) lose
   * their strikes and are indexed as usual.
   */
  async quarantined(): Promise<Array<{ path: string; reason: string }>> {
    for (const [photo, strikes] of [...this.strikes]) {
      if (strikes < QUARANTINE_STRIKES) continue;
      const verdict = await this.probe(photo);
      this.strikes.delete(photo);
      const stat = statOf(photo);
      if (!stat || verdict.kind === 'decoded' || verdict.kind === 'failed') continue;
      this.held.set(photo, { ...stat, reason: quarantineReason(verdict) });
    }
    for (const [photo, q] of [...this.held]) {
      const stat = statOf(photo);
      if (!stat || stat.size !== q.size || stat.mtimeMs !== q.mtimeMs) this.held.delete(photo);
    }
    this.write();
    return [...this.held].map(([photo, q]) => ({ path: photo, reason: q.reason }));
  }

  /** Gives every quarantined file another chance; each is tried on its own first. Returns their paths. */
  retryQuarantined(): string[] {
    const paths = [...this.held.keys()];
    for (const photo of paths) this.strikes.set(photo, QUARANTINE_STRIKES);
    this.held.clear();
    this.write();
    return paths;
  }

  started(photo: string): void {
    this.current.set(photo, (this.strikes.get(photo) ?? 0) + 1);
    this.write();
  }

  finished(photo: string): void {
    this.current.delete(photo);
    this.strikes.delete(photo);
    this.write();
  }

  /** A run that ends normally leaves nothing in flight. */
  close(): void {
    this.current.clear();
    this.write();
  }

  private write(): void {
    const strikes = Object.fromEntries([...this.strikes].filter(([p]) => !this.current.has(p)).concat([...this.current]));
    const state: z.infer<typeof stateSchema> = { strikes, quarantined: Object.fromEntries(this.held) };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    // No fsync: this only has to survive the process, not the machine.
    const temp = `${this.file}.tmp-${process.pid}`;
    fs.writeFileSync(temp, JSON.stringify(state));
    fs.renameSync(temp, this.file);
  }
}

function statOf(photo: string): { size: number; mtimeMs: number } | null {
  try {
    const s = fs.statSync(photo);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return null;
  }
}

function readState(file: string): { strikes: Map<string, number>; quarantined: Map<string, Quarantined> } {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return { strikes: new Map(), quarantined: new Map() };
  }
  const state = stateSchema.safeParse(raw);
  if (state.success) return { strikes: new Map(Object.entries(state.data.strikes)), quarantined: new Map(Object.entries(state.data.quarantined)) };
  const legacy = legacySchema.safeParse(raw);
  return { strikes: new Map(legacy.success ? Object.entries(legacy.data) : []), quarantined: new Map() };
}
