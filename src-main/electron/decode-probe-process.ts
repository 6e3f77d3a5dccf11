/**
 * Suspect photos decoded in an Electron utility process of their own: the packaged
 * app cannot run itself as plain Node, so the main process starts the decoder the
 * engine asks for (worker-client.ts) and the engine's probe logic drives it.
 */
import { utilityProcess } from 'electron';
import { probeIn, type ProbeJob, type ProbeProcess, type ProbeVerdict } from '../core/api/decode-probe.ts';

function utilityDecoder(entry: string): ProbeProcess {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Photo Search decoder check', stdio: 'pipe' });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-500)));
  return {
    send: (job) => child.postMessage(job),
    kill: () => child.kill(),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', (code) => listener(`exited with code ${code}`)),
    // A utility process reports a fatal error in the child and then its exit: the exit is the verdict.
    onError: () => {},
    lastOutput: () => stderr,
  };
}

/** Decodes `job` in a new utility process running `entry` (the bundle of decode-probe-worker.ts). */
export function electronDecodeProbe(entry: string): (job: ProbeJob) => Promise<ProbeVerdict> {
  return (job) => probeIn(() => utilityDecoder(entry), job);
}
