export interface DownloadProgress {
  file: string;
  fileBytes: number;
  fileTotal: number;
  bytes: number;
  total: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
}

/** Events at most this often while bytes flow; a file's completion is always reported. */
const MIN_INTERVAL_MS = 200;

/**
 * Turns per-file byte counts into overall progress. Counts only ever grow, so a bar never
 * moves backwards when a connection drops and the file resumes; speed counts only bytes
 * fetched in this run, not those found on disk from an earlier one.
 */
export class ProgressMeter {
  private readonly done = new Map<string, number>();
  private readonly reported = new Set<string>();
  private bytes = 0;
  private startBytes: number | null = null;
  private startTime = 0;
  private lastEmit = 0;

  constructor(
    private readonly total: number,
    private readonly onProgress: ((p: DownloadProgress) => void) | undefined,
  ) {}

  /** Bytes of `file` found on disk from an earlier run: counted in the progress, not in the speed. */
  alreadyHave(file: string, bytes: number): void {
    const previous = this.done.get(file) ?? 0;
    this.done.set(file, Math.max(previous, bytes));
    this.bytes += Math.max(0, bytes - previous);
  }

  get bytesDone(): number {
    return this.bytes;
  }

  update(file: string, fileBytes: number, fileTotal: number): void {
    const first = !this.reported.has(file);
    const previous = this.done.get(file) ?? 0;
    const current = Math.min(fileTotal, Math.max(previous, fileBytes));
    this.done.set(file, current);
    this.bytes += current - previous;
    const time = performance.now();
    if (this.startBytes === null) {
      this.startBytes = this.bytes;
      this.startTime = time;
    }
    const finished = current === fileTotal && previous !== fileTotal;
    const due = current > previous && time - this.lastEmit >= MIN_INTERVAL_MS;
    if (!this.onProgress || !(first || finished || due)) return;
    this.lastEmit = time;
    this.reported.add(file);
    const elapsed = (time - this.startTime) / 1000;
    const fetched = this.bytes - this.startBytes;
    const bytesPerSecond = elapsed > 0 ? Math.round(fetched / elapsed) : 0;
    this.onProgress({
      file,
      fileBytes: current,
      fileTotal,
      bytes: this.bytes,
      total: this.total,
      bytesPerSecond,
      etaSeconds: bytesPerSecond > 0 ? Math.ceil((this.total - this.bytes) / bytesPerSecond) : null,
    });
  }
}
