/** The CLI run in-process, its standard output and error captured as text (not terminals, so no colour or progress redraws). */
import { Writable } from 'node:stream';
import { main } from '../../src-main/cli/main.ts';

class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `photo-search <argv…>` and returns its exit code and what it printed. */
export async function runCli(argv: readonly string[]): Promise<CliRun> {
  const out = new Capture();
  const err = new Capture();
  const code = await main([...argv], { out: out as unknown as NodeJS.WriteStream, err: err as unknown as NodeJS.WriteStream });
  return { code, out: out.text, err: err.text };
}
