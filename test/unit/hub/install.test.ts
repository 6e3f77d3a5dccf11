import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installModel, listInstalled, readInstallRecord, type DownloadProgress } from '../../../src-main/core/models/hub/index.ts';
import { fakeEntry, fakeModelFiles, sha256, startFakeHub, type FakeHub } from '../../fixtures/fake-hub.ts';
import { useHubScratch } from './hub-scratch.ts';

const scratch = useHubScratch();

let hub: FakeHub | undefined;

function dataOf(h: FakeHub, file: string): Buffer {
  return h.files.find((f) => f.path === file)!.data;
}

describe('installModel', () => {
  it('reports progress that only grows and ends at the total', async () => {
    hub = scratch.closeAfter(await startFakeHub());
    const events: DownloadProgress[] = [];
    await installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url, onProgress: (p) => events.push(p) });

    const expectedTotal = fakeEntry().source.files.reduce((sum, file) => sum + dataOf(hub!, file).length, 0);
    expect(events.length).toBeGreaterThanOrEqual(fakeEntry().source.files.length);
    for (let i = 1; i < events.length; i++) expect(events[i].bytes).toBeGreaterThanOrEqual(events[i - 1].bytes);
    for (const event of events) {
      expect(event.total).toBe(expectedTotal);
      expect(event.fileBytes).toBeLessThanOrEqual(event.fileTotal);
    }
    const last = events.at(-1)!;
    expect(last.bytes).toBe(expectedTotal);
    expect(last.etaSeconds === null || last.etaSeconds === 0).toBe(true);
  });

  it('installs the files byte for byte and records the commit and every checksum in install.json', async () => {
    hub = scratch.closeAfter(await startFakeHub());
    const result = await installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url });

    expect(result.dir).toBe(path.join(scratch.modelsDir, 'fake-clip'));
    expect(result.revision).toBe(hub.sha);
    for (const file of fakeEntry().source.files) {
      expect((await fs.readFile(path.join(result.dir, file))).equals(dataOf(hub, file))).toBe(true);
    }
    const record = readInstallRecord(result.dir)!;
    expect(record.source).toBe('huggingface');
    expect(record.revision).toBe(hub.sha);
    expect(record.ref).toBe('main');
    expect(record.variant).toBe('fp32');
    expect(record.repo).toBe(hub.repo);
    expect(record.files.map((f) => f.path).sort()).toEqual([...fakeEntry().source.files].sort());
    for (const file of record.files) {
      expect(file.sha256).toBe(sha256(dataOf(hub, file.path)));
      expect(file.size).toBe(dataOf(hub, file.path).length);
    }
    expect((await listInstalled(scratch.modelsDir)).map((m) => m.id)).toEqual(['fake-clip']);
    // Nothing of the download is left behind once the model is in place.
    expect(await fs.readdir(path.join(scratch.modelsDir, '.partial'))).toEqual([]);
  });

  it('follows the redirect the hub sends for large files', async () => {
    hub = scratch.closeAfter(await startFakeHub({ redirectLfs: true }));
    const result = await installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url });
    expect(hub.requests.some((r) => r.url.startsWith('/cdn/') && r.status === 200)).toBe(true);
    expect((await fs.readFile(path.join(result.dir, 'onnx/vision_model.onnx'))).equals(dataOf(hub, 'onnx/vision_model.onnx'))).toBe(true);
  });

  it('fetches the quantized encoders instead of the full ones only when asked', async () => {
    hub = scratch.closeAfter(await startFakeHub());
    const result = await installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url, quantized: true });
    const installed = (await fs.readdir(path.join(result.dir, 'onnx'))).sort();
    expect(installed).toEqual(['text_model_quantized.onnx', 'vision_model_quantized.onnx']);
    expect(hub.servedBytes('onnx/vision_model.onnx')).toBe(0);
    expect(readInstallRecord(result.dir)!.variant).toBe('quantized');
  });

  it('replaces a previous install with the new commit in one step', async () => {
    hub = scratch.closeAfter(await startFakeHub());
    const first = await installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url });
    const next = fakeModelFiles();
    hub.publish(next);
    const second = await installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url });

    expect(second.revision).not.toBe(first.revision);
    expect((await fs.readFile(path.join(second.dir, 'onnx/text_model.onnx'))).equals(dataOf(hub, 'onnx/text_model.onnx'))).toBe(true);
    expect(readInstallRecord(second.dir)!.revision).toBe(hub.sha);
    expect((await fs.readdir(scratch.modelsDir)).filter((name) => !name.startsWith('.'))).toEqual(['fake-clip']);
  });

  it('uses PHOTO_SEARCH_HUB_URL when no hub URL is given', async () => {
    hub = scratch.closeAfter(await startFakeHub());
    process.env.PHOTO_SEARCH_HUB_URL = hub.url;
    const result = await installModel(fakeEntry(), scratch.modelsDir);
    expect(result.revision).toBe(hub.sha);
  });
});
