import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../../src-main/core/errors.ts';
import { installModel, readInstallRecord } from '../../../src-main/core/models/hub/index.ts';
import { fakeEntry, fakeModelFiles, startFakeHub, type FakeHub } from '../../fixtures/fake-hub.ts';
import { useHubScratch } from './hub-scratch.ts';

const scratch = useHubScratch();

let hub: FakeHub | undefined;

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelError);
  expect((err as ModelError).code).toBe('model-download-failed');
  return err as ModelError;
}

async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('download failures', () => {
  it('rejects a file whose checksum does not match and leaves neither a model nor that partial file', async () => {
    hub = scratch.closeAfter(await startFakeHub({ wrongSha256: 'onnx/text_model.onnx' }));
    const err = await failure(installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url }));
    expect(err.message).toMatch(/onnx\/text_model\.onnx/);
    expect(err.message).toMatch(/checksum/i);
    await expect(fs.access(path.join(scratch.modelsDir, 'fake-clip'))).rejects.toThrow();
    await expect(fs.access(path.join(scratch.modelsDir, '.partial', 'fake-clip', 'onnx', 'text_model.onnx'))).rejects.toThrow();
  });

  it('names the missing file and the revision on a 404', async () => {
    hub = scratch.closeAfter(await startFakeHub({ notFound: 'onnx/text_model.onnx' }));
    const err = await failure(installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url }));
    expect(err.message).toBe(`${hub.repo}/onnx/text_model.onnx not found on the hub (revision main)`);
    await expect(fs.access(path.join(scratch.modelsDir, 'fake-clip'))).rejects.toThrow();
  });

  it('names a manifest file the repository does not have before downloading anything', async () => {
    hub = scratch.closeAfter(await startFakeHub());
    const entry = fakeEntry();
    const err = await failure(
      installModel({ ...entry, source: { ...entry.source, files: [...entry.source.files, 'onnx/missing.onnx'] } }, scratch.modelsDir, { hubUrl: hub.url }),
    );
    expect(err.message).toMatch(/onnx\/missing\.onnx not found on the hub \(revision main\)/);
    expect(hub.requests.filter((r) => r.file !== undefined)).toEqual([]);
  });

  it('refuses a file path that would land outside the model folder, before any request', async () => {
    hub = scratch.closeAfter(await startFakeHub());
    const entry = fakeEntry();
    const escaping = { ...entry, source: { ...entry.source, files: [...entry.source.files, '../../escape.json'] } };
    await expect(installModel(escaping, scratch.modelsDir, { hubUrl: hub.url })).rejects.toThrow(/escape\.json" is not a path inside/);
    expect(hub.requests).toEqual([]);
  });

  it('reports a stalled download as a timeout naming the file', async () => {
    hub = scratch.closeAfter(await startFakeHub({ stall: { path: 'onnx/vision_model.onnx', ms: 20_000 } }));
    const err = await failure(installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url, timeoutMs: 300 }));
    expect(err.message).toMatch(/Timed out/);
    expect(err.message).toMatch(/onnx\/vision_model\.onnx/);
    await expect(fs.access(path.join(scratch.modelsDir, 'fake-clip'))).rejects.toThrow();
  });

  it('explains how to install offline when the hub cannot be reached', async () => {
    const url = await closedPortUrl();
    const err = await failure(installModel(fakeEntry(), scratch.modelsDir, { hubUrl: url, timeoutMs: 2000 }));
    expect(err.message).toMatch(/^Cannot reach 127\.0\.0\.1:\d+\./);
    expect(err.message).toContain('photo-search models import <dir>');
  });

  it('reports an unknown repository without touching the models folder contents', async () => {
    hub = scratch.closeAfter(await startFakeHub());
    const entry = fakeEntry();
    const err = await failure(installModel({ ...entry, source: { ...entry.source, repo: 'nobody/nothing' } }, scratch.modelsDir, { hubUrl: hub.url }));
    expect(err.message).toMatch(/nobody\/nothing \(revision main\) not found/);
  });

  it('keeps the previous install when a reinstall fails', async () => {
    hub = scratch.closeAfter(await startFakeHub());
    const first = await installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url });
    hub.publish(fakeModelFiles());
    hub.knobs.wrongSha256 = 'onnx/vision_model.onnx';
    await failure(installModel(fakeEntry(), scratch.modelsDir, { hubUrl: hub.url }));
    expect(readInstallRecord(first.dir)!.revision).toBe(first.revision);
    for (const file of first.files) expect((await fs.stat(path.join(first.dir, file.path))).size).toBe(file.size);
  });
});
