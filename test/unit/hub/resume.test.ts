import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PhotoSearchError } from '../../../src-main/core/errors.ts';
import { installModel } from '../../../src-main/core/models/hub/index.ts';
import { fakeEntry, startFakeHub, type FakeHub } from '../../fixtures/fake-hub.ts';
import { useHubScratch } from './hub-scratch.ts';

const scratch = useHubScratch();

const VISION = 'onnx/vision_model.onnx';
const DROP_AT = 100 * 1024;

let hub: FakeHub | undefined;

function visionData(h: FakeHub): Buffer {
  return h.files.find((f) => f.path === VISION)!.data;
}

function visionRequests(h: FakeHub) {
  return h.requests.filter((r) => r.file === VISION && r.status !== 302);
}

describe('resuming interrupted downloads', () => {
  it('continues a dropped file with Range and fetches only the remainder', async () => {
    hub = scratch.closeAfter(await startFakeHub({ drop: { path: VISION, afterBytes: DROP_AT, times: 1 } }));
    const result = await installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url });

    const [first, second] = visionRequests(hub);
    expect(first.bytes).toBe(DROP_AT);
    expect(second.range).toMatch(/^bytes=\d+-$/);
    const resumedAt = Number(/bytes=(\d+)-/.exec(second.range!)![1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(second.status).toBe(206);
    expect(second.bytes).toBe(visionData(hub).length - resumedAt);
    expect(hub.servedBytes(VISION)).toBeLessThan(2 * visionData(hub).length);
    expect((await fs.readFile(path.join(result.dir, VISION))).equals(visionData(hub))).toBe(true);
  });

  it('keeps the partial file after a failed run and resumes from it on the next one', async () => {
    // Every response is cut, so each attempt of the run gets a little further and the run still fails.
    hub = scratch.closeAfter(await startFakeHub({ drop: { path: VISION, afterBytes: DROP_AT / 2, times: 10 } }));
    await expect(installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url })).rejects.toThrow(/vision_model\.onnx/);
    await expect(fs.access(path.join(scratch.modelsDir, 'fake-clip'))).rejects.toThrow();
    const kept = (await fs.stat(path.join(scratch.modelsDir, '.partial', 'fake-clip', VISION))).size;
    expect(kept).toBeGreaterThan(0);

    hub.knobs.drop = undefined;
    hub.requests.length = 0;
    const result = await installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url });
    const [resumed] = visionRequests(hub);
    expect(resumed.range).toBe(`bytes=${kept}-`);
    expect(hub.servedBytes(VISION)).toBe(visionData(hub).length - kept);
    // Files completed in the first run are not fetched again.
    expect(hub.servedBytes('config.json')).toBe(0);
    expect((await fs.readFile(path.join(result.dir, VISION))).equals(visionData(hub))).toBe(true);
  });

  it('starts the file over when the server ignores Range', async () => {
    hub = scratch.closeAfter(await startFakeHub({ drop: { path: VISION, afterBytes: DROP_AT, times: 1 }, range: false }));
    const result = await installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url });
    const [, second] = visionRequests(hub);
    expect(second.status).toBe(200);
    expect(second.bytes).toBe(visionData(hub).length);
    expect((await fs.readFile(path.join(result.dir, VISION))).equals(visionData(hub))).toBe(true);
  });

  it('reports a cancelled install as such and keeps what was downloaded', async () => {
    hub = scratch.closeAfter(await startFakeHub());
    const controller = new AbortController();
    const install = installModel(fakeEntry(), scratch.modelsDir, {
      hubUrl: hub.url,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.file === VISION) controller.abort();
      },
    });
    const err = await install.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PhotoSearchError);
    expect((err as Error).message).toMatch(/cancelled/);
    await expect(fs.access(path.join(scratch.modelsDir, 'fake-clip'))).rejects.toThrow();
    expect((await fs.stat(path.join(scratch.modelsDir, '.partial', 'fake-clip', 'config.json'))).size).toBeGreaterThan(0);
  });
});
