import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const CLI = path.resolve('bin/photo-search.js');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

export interface Running {
  child: ChildProcess;
  /** What the process wrote to stdout and stderr so far. */
  readonly out: string;
  readonly err: string;
  finished: Promise<Finished>;
  /** Resolves once stderr (or stdout) matches `pattern`; rejects if the process ends first. */
  waitFor(pattern: RegExp, stream?: 'out' | 'err'): Promise<void>;
}

function track(child: ChildProcess): Running {
  let out = '';
  let err = '';
  const waiters: Array<{ pattern: RegExp; stream: 'out' | 'err'; resolve: () => void }> = [];
  const check = () => {
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(w.stream === 'out' ? out : err)) w.resolve();
      else waiters.push(w);
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    check();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    check();
  });
  const finished = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })));
  return {
    child,
    get out() {
      return out;
    },
    get err() {
      return err;
    },
    finished,
    waitFor(pattern, stream = 'err') {
      return new Promise<void>((resolve, reject) => {
        waiters.push({ pattern, stream, resolve });
        check();
        void finished.then((f) => reject(new Error(`the process ended (${f.code ?? f.signal}) before printing ${pattern}:\n${f.out}\n${f.err}`)));
      });
    },
  };
}

/** Starts `photo-search <argv>` as its own process, the way a user's shell would, with this process's environment or `env`. */
export function startCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Running {
  return track(spawn(process.execPath, [CLI, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env }));
}

/** Runs a TypeScript file as its own process (through tsx), with `args`. */
export function startScript(file: string, args: string[]): Running {
  return track(spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
}
