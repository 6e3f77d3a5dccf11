/** Starts the engine as an Electron utilityProcess and adapts it to the WorkerClient's handle. */
import { utilityProcess } from 'electron';
import type { ToWorker } from './worker-protocol.ts';
import type { WorkerHandle } from './worker-client.ts';

export function spawnEngineProcess(entry: string): WorkerHandle {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Photo Search engine', stdio: 'inherit' });
  // Messages wait for the process to exist rather than relying on Electron to queue them.
  let spawned = false;
  const early: ToWorker[] = [];
  child.once('spawn', () => {
    spawned = true;
    for (const message of early.splice(0)) child.postMessage(message);
  });
  return {
    postMessage(message) {
      if (spawned) child.postMessage(message);
      else early.push(message);
    },
    kill() {
      child.kill();
    },
    onMessage(listener) {
      child.on('message', listener);
    },
    onExit(listener) {
      child.on('exit', listener);
    },
  };
}
