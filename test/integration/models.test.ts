import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoSearchService } from '../../src-main/core/api/service.ts';
import { defaultModelId, findEntry } from '../../src-main/core/models/catalog.ts';
import { clearProxyEnv, startFakeHub, type FakeFile, type FakeHub } from '../fixtures/fake-hub.ts';
import { writeTinyModel } from '../fixtures/tiny-model.ts';
import { createLibraryFixture, type LibraryFixture } from '../helpers/library-fixture.ts';

let fx: LibraryFixture;
let hub: FakeHub;
let service: PhotoSearchService;
let restoreEnv: () => void;
const defaultId = defaultModelId();

function filesOf(dir: string): FakeFile[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((rel) => fs.statSync(path.join(dir, rel)).isFile())
    .map((rel) => ({ path: rel.split(path.sep).join('/'), data: fs.readFileSync(path.join(dir, rel)), lfs: rel.endsWith('.onnx') }));
}

const topColour = async (text: string) => {
  const [hit] = (await service.search({ terms: [{ kind: 'text', text, weight: 1 }], k: 1 })).hits;
  return fx.manifest.entries.find((e) => path.join(fx.photosDir, e.relPath) === hit.path)?.colour;
};

beforeAll(async () => {
  fx = await createLibraryFixture('models');
  const served = path.join(fx.root, 'served-model');
  await writeTinyModel(served, { layout: 'immich' });
  restoreEnv = clearProxyEnv();
  hub = await startFakeHub({ repo: findEntry(defaultId).source.repo }, filesOf(served));
  process.env.PHOTO_SEARCH_HUB_URL = hub.url;
  service = fx.open({ modelDir: undefined });
});

afterAll(async () => {
  await service?.close();
  await hub?.close();
  delete process.env.PHOTO_SEARCH_HUB_URL;
  restoreEnv?.();
  fx?.cleanup();
});

describe('models: install, switch, remove', () => {
  it('lists the catalog with the default model marked and nothing installed', async () => {
    const { models } = await service.models();
    expect(models.length).toBeGreaterThanOrEqual(7);
    expect(models.filter((m) => m.isDefault).map((m) => m.id)).toEqual([defaultId]);
    expect(models.some((m) => m.installed)).toBe(false);
  });

  it('installs the default model from the hub and makes it active when there was none', async () => {
    const listing = await service.installModel({ id: defaultId });
    expect(listing).toMatchObject({ id: defaultId, installed: true, active: true });
    const status = await service.status();
    expect(status.model?.dir).toBe(path.join(fx.libraryDir, 'models', defaultId));
    await service.index({ paths: [fx.photosDir] });
    expect(await topColour('yellow')).toBe('yellow');
  });

  it('switches to another model in the background, keeping search on the old one until it is complete', async () => {
    const other = path.join(fx.root, 'other-model');
    await writeTinyModel(other);
    const imported = await service.importModel({ path: other, id: 'tiny-hf' });
    expect(imported).toMatchObject({ id: 'tiny-hf', installed: true, active: false });

    const photos = (await service.status()).photos;
    const change = await service.useModel({ id: 'tiny-hf' });
    expect(change).toMatchObject({ pending: 'tiny-hf', toEmbed: photos });
    const during = await service.status();
    expect(during.model?.dir).toBe(path.join(fx.libraryDir, 'models', defaultId));
    expect(during.coverage.find((c) => c.pending)).toMatchObject({ embedded: 0 });
    expect(await topColour('blue')).toBe('blue');

    await service.index({});
    const after = await service.status();
    expect(after.model?.dir).toBe(path.join(fx.libraryDir, 'models', 'tiny-hf'));
    expect(after.coverage.map((c) => c.embedded)).toEqual([photos, photos]);
    expect(after.coverage.filter((c) => c.active)).toHaveLength(1);
    expect(await topColour('green')).toBe('green');
  });

  it('refuses to remove the active model and removes another', async () => {
    await expect(service.removeModel({ id: 'tiny-hf' })).rejects.toThrow(/active model/);
    await expect(service.removeModel({ id: defaultId })).resolves.toEqual({ removed: defaultId });
    expect(fs.existsSync(path.join(fx.libraryDir, 'models', defaultId))).toBe(false);
  });

  it('names the installed models when asked to use one that is not', async () => {
    await expect(service.useModel({ id: 'clip-vit-l14-openai' })).rejects.toThrow(/not installed \(installed: tiny-hf\).*models install clip-vit-l14-openai/);
  });
});
