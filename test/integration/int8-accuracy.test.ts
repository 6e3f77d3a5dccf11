import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryStatus, ModelListing, ModelsOverview } from '../../src-main/core/api/contract.ts';
import { findEntry } from '../../src-main/core/models/catalog.ts';
import { int8Kernel, type Int8Kernel } from '../../src-main/core/models/int8-kernel.ts';
import { TINY_CLIP_SHAPE, writeClipShapedModel } from '../fixtures/clip-shaped-model.ts';
import { clearProxyEnv, startFakeHub, type FakeFile, type FakeHub } from '../fixtures/fake-hub.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

/** A catalog model with an int8 variant in the Hugging Face layout; the fake hub serves a tiny CLIP-shaped model under its name. */
const ID = 'clip-vit-b16-openai';

let root: string;
let libraryDir: string;
let hub: FakeHub;
let kernel: Int8Kernel;
let restoreEnv: () => void;
/** The served files with 7-bit int8 weights, and the same with full-range ones. */
const served: Record<'reducedRange' | 'fullRange', FakeFile[]> = { reducedRange: [], fullRange: [] };

function cli(...argv: string[]): Promise<CliRun> {
  return runCli([...argv, '--library', libraryDir]);
}

function filesOf(dir: string): FakeFile[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((rel) => fs.statSync(path.join(dir, rel)).isFile())
    .map((rel) => ({ path: rel.split(path.sep).join('/'), data: fs.readFileSync(path.join(dir, rel)), lfs: rel.endsWith('.onnx') }));
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-search-int8-'));
  libraryDir = path.join(root, 'library');
  await writeClipShapedModel(path.join(root, 'reduced'), TINY_CLIP_SHAPE);
  await writeClipShapedModel(path.join(root, 'full'), TINY_CLIP_SHAPE, { int8Weights: 'full-range' });
  served.reducedRange = filesOf(path.join(root, 'reduced'));
  served.fullRange = filesOf(path.join(root, 'full'));
  kernel = await int8Kernel();
  restoreEnv = clearProxyEnv();
  hub = await startFakeHub({ repo: findEntry(ID).source.repo }, served.reducedRange);
  process.env.PHOTO_SEARCH_HUB_URL = hub.url;
});

afterAll(async () => {
  await hub?.close();
  delete process.env.PHOTO_SEARCH_HUB_URL;
  restoreEnv?.();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('int8 accuracy on this CPU', () => {
  it('status names the processor, its flags and how onnxruntime runs int8 here', async () => {
    const { out } = await cli('status');
    expect(out).toContain(`CPU: ${os.cpus()[0].model.trim()} (${process.arch}; `);
    expect(out).toContain(kernel === 'exact' ? 'int8 models: exact integer products here.' : 'int8 models: drift from fp32 here');
    const status = JSON.parse((await cli('status', '--json')).out) as LibraryStatus;
    expect(status.cpu).toMatchObject({ arch: process.arch, int8Kernel: kernel });
    if (process.platform === 'linux' && process.arch === 'x64')
      expect(status.cpu.flags).toMatchObject({ avx2: expect.any(Boolean), avx512Vnni: expect.any(Boolean) });
  });

  it('install --quantized over the fp32 variant measures one against the other and keeps the figures', async () => {
    expect((await cli('models', 'install', ID)).code).toBe(0);
    const fp32 = (JSON.parse((await cli('models', 'list', '--json')).out) as ModelsOverview).models.find((m) => m.id === ID)!;
    expect(fp32).toMatchObject({ variant: 'fp32', int8: { kernel, cosine: null } });

    const { code, out } = await cli('models', 'install', ID, '--quantized', '--json');
    expect(code).toBe(0);
    const int8 = JSON.parse(out) as ModelListing;
    expect(int8).toMatchObject({ variant: 'quantized', int8: { kernel } });
    expect(int8.int8!.cosine!.image).toBeGreaterThan(0.99);
    expect(int8.int8!.cosine!.text).toBeGreaterThan(0.99);
    expect(fs.readdirSync(path.join(libraryDir, 'models')).filter((name) => name.includes('int8'))).toEqual([]);

    const listed = (JSON.parse((await cli('models', 'list', '--json')).out) as ModelsOverview).models.find((m) => m.id === ID)!;
    expect(listed.int8).toEqual(int8.int8);
  });

  it('with full-range int8 weights, warns with the cost measured here exactly where the kernel saturates', async () => {
    hub.publish(served.fullRange);
    expect((await cli('models', 'install', ID)).code).toBe(0);
    const { code, out } = await cli('models', 'install', ID, '--quantized');
    expect(code).toBe(0);
    expect(out).toMatch(/^Installed CLIP ViT-B\/16 \(OpenAI\) \(active\)\.\n/);
    const { int8 } = (JSON.parse((await cli('models', 'list', '--json')).out) as ModelsOverview).models.find((m) => m.id === ID)!;
    if (kernel === 'saturating') {
      expect(int8!.cosine!.image).toBeLessThan(0.99);
      expect(out).toMatch(/no VNNI.*Measured on this machine, its int8 embeddings are at cosine 0\.\d{3} \(photos\) and 0\.\d{3} \(texts\)/s);
      expect(out).toContain(`\`photo-search models install ${ID}\``);
      expect((await cli('models', 'list')).out).toMatch(/int8 on this CPU: cosine to fp32 0\.\d{3} \(photos\)/);
    } else {
      expect(int8!.cosine!.image).toBeGreaterThan(0.99);
      expect(out).not.toMatch(/VNNI/);
    }
  });
});
