import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { clearProxyEnv } from '../../fixtures/fake-hub.ts';

interface Closable {
  close(): Promise<void>;
}

export interface HubScratch {
  /** A fresh, empty models folder for the current test. */
  readonly modelsDir: string;
  /** Registers a server started by the test, closed when the test ends. */
  closeAfter<T extends Closable>(server: T): T;
}

/** Per-test models folder, no inherited proxy settings, and servers closed afterwards. */
export function useHubScratch(): HubScratch {
  let modelsDir = '';
  let restoreEnv: () => void = () => {};
  const servers: Closable[] = [];
  beforeEach(async () => {
    restoreEnv = clearProxyEnv();
    modelsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'photo-search-hub-'));
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    restoreEnv();
    await fs.rm(modelsDir, { recursive: true, force: true });
  });
  return {
    get modelsDir() {
      return modelsDir;
    },
    closeAfter(server) {
      servers.push(server);
      return server;
    },
  };
}
