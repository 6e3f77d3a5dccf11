import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Int8Accuracy, ModelListing, ModelsOverview } from './contract.ts';
import type { EngineEventBus } from './events.ts';
import { InputError } from '../errors.ts';
import { findEntry, loadCatalog, type CatalogEntry } from '../models/catalog.ts';
import { cpuFeatures } from '../models/cpu-features.ts';
import { importModel, installModel, listInstalled, removeModel, type InstalledModel } from '../models/hub/index.ts';
import { linkModelFiles, measureInt8Drift, readInt8Drift, writeInt8Drift } from '../models/int8-drift.ts';
import { int8Kernel, type Int8Kernel } from '../models/int8-kernel.ts';
import { detectModelLayout } from '../models/layout.ts';
import type { LibraryStore } from '../store/library-store.ts';

const ACTIVE_SETTING = 'model-dir';
const PENDING_SETTING = 'pending-model-dir';
/** Where an installed fp32 model's files are kept while --quantized replaces it, to compare the two (a dot name: never listed as a model). */
const fp32Reference = (modelsDir: string, id: string): string => path.join(modelsDir, `.int8-reference-${id}`);

/**
 * The models a library can use: the catalog, what is installed in the library's
 * models folder, and which one is active or being switched to. Model folders are
 * remembered by path so that a folder given with --model works as well as an
 * installed one.
 */
export class ModelLibrary {
  constructor(
    private readonly store: LibraryStore,
    readonly modelsDir: string,
    private readonly events: EngineEventBus,
  ) {}

  get activeDir(): string | null {
    return this.store.setting(ACTIVE_SETTING) ?? null;
  }

  get pendingDir(): string | null {
    return this.store.setting(PENDING_SETTING) ?? null;
  }

  setActive(dir: string): void {
    this.store.transaction(() => {
      this.store.setSetting(ACTIVE_SETTING, path.resolve(dir));
      this.store.deleteSetting(PENDING_SETTING);
    });
  }

  setPending(dir: string | null): void {
    if (dir) this.store.setSetting(PENDING_SETTING, path.resolve(dir));
    else this.store.deleteSetting(PENDING_SETTING);
  }

  async overview(): Promise<ModelsOverview> {
    const installed = await listInstalled(this.modelsDir);
    const catalog = loadCatalog();
    const kernel = await int8Kernel().catch(() => null);
    const cosine = async (i: InstalledModel | undefined) => (kernel && i ? readInt8Drift(i.dir, cpuFeatures().model, kernel) : null);
    const listings: ModelListing[] = [];
    for (const entry of catalog) {
      const match = installed.find((i) => i.id === entry.id);
      listings.push(this.listing(entry, match, kernel, await cosine(match)));
    }
    for (const extra of installed.filter((i) => !catalog.some((c) => c.id === i.id))) listings.push(this.listing(null, extra, kernel, await cosine(extra)));
    const active = this.activeDir;
    const custom = active && !listings.some((l) => l.active) ? active : null;
    return { models: listings, modelsDir: this.modelsDir, customModelDir: custom };
  }

  private listing(entry: CatalogEntry | null, installed: InstalledModel | undefined, kernel: Int8Kernel | null, cosine: Int8Accuracy['cosine']): ModelListing {
    const id = entry?.id ?? installed!.id;
    const dir = path.join(this.modelsDir, id);
    const variant = installed?.variant ?? (installed ? 'fp32' : null);
    const hasQuantized = entry?.quantized !== undefined;
    return {
      id,
      displayName: entry?.displayName ?? id,
      whenToPick: entry?.whenToPick ?? (installed?.importedFrom ? `Imported from ${installed.importedFrom}` : 'Installed by hand'),
      downloadSizeMB: entry?.downloadSizeMB ?? null,
      languages: entry?.languages ?? [],
      licence: entry?.licence ?? null,
      licenceRestriction: entry?.licenceRestriction ?? null,
      isDefault: entry?.default === true,
      inCatalog: entry !== null,
      installed: installed !== undefined,
      variant,
      hasQuantized,
      active: installed !== undefined && this.activeDir === dir,
      pending: installed !== undefined && this.pendingDir === dir,
      int8: kernel && (hasQuantized || variant === 'quantized' || cosine) ? { kernel, cosine } : null,
    };
  }

  /** The folder of an installed model; an unknown id names what is installed and how to install. */
  async dirOf(id: string): Promise<string> {
    const installed = await listInstalled(this.modelsDir);
    if (installed.some((m) => m.id === id)) return path.join(this.modelsDir, id);
    const names = installed.map((m) => m.id).join(', ') || 'none';
    throw new InputError(id, `Model "${id}" is not installed (installed: ${names}). Install it with \`photo-search models install ${id}\`.`);
  }

  async install(id: string, quantized: boolean, signal?: AbortSignal): Promise<ModelListing> {
    const entry = findEntry(id);
    if (quantized && !entry.quantized) throw new InputError(id, `${entry.displayName} has no int8 variant in the catalog; install it without --quantized.`);
    fs.mkdirSync(this.modelsDir, { recursive: true });
    const reference = quantized ? await this.keepFp32(id) : null;
    try {
      await installModel(entry, this.modelsDir, {
        quantized,
        signal,
        onProgress: (p) =>
          this.events.emit('model-download', { id, file: p.file, bytes: p.bytes, total: p.total, bytesPerSecond: p.bytesPerSecond, etaSeconds: p.etaSeconds }),
      });
      if (reference) await this.recordInt8Drift(reference, path.join(this.modelsDir, id));
    } finally {
      if (reference) await fsp.rm(reference, { recursive: true, force: true });
    }
    return this.listingOf(id);
  }

  /**
   * Install lays out one variant per folder, so --quantized over an installed fp32 model
   * would leave nothing to compare with: its files are kept aside (hard links) until the
   * comparison is made.
   */
  private async keepFp32(id: string): Promise<string | null> {
    const current = (await listInstalled(this.modelsDir)).find((m) => m.id === id);
    if (!current || current.variant === 'quantized' || current.layout !== 'hf-onnx') return null;
    return linkModelFiles(current.dir, fp32Reference(this.modelsDir, id));
  }

  /**
   * Measures int8 against fp32 on this machine and stores the result with the int8 model.
   * Best effort: a variant that does not load reports itself when it is used, not here.
   */
  private async recordInt8Drift(fp32Dir: string, int8Dir: string): Promise<void> {
    const kernel = await int8Kernel().catch(() => null);
    const drift = kernel && (await measureInt8Drift(fp32Dir, int8Dir).catch(() => null));
    if (kernel && drift) await writeInt8Drift(int8Dir, drift, cpuFeatures().model, kernel);
  }

  async import(source: string, id?: string): Promise<ModelListing> {
    fs.mkdirSync(this.modelsDir, { recursive: true });
    const imported = await importModel(path.resolve(source), this.modelsDir, id);
    const dir = path.join(this.modelsDir, imported.id);
    if (await hasBothVariants(dir)) await this.recordInt8Drift(dir, dir);
    return this.listingOf(imported.id);
  }

  async remove(id: string): Promise<void> {
    const dir = await this.dirOf(id);
    if (this.activeDir === dir) throw new InputError(id, `${id} is the active model. Switch to another with \`photo-search models use <id>\` first.`);
    if (this.pendingDir === dir) this.setPending(null);
    await removeModel(id, this.modelsDir);
  }

  private async listingOf(id: string): Promise<ModelListing> {
    const listing = (await this.overview()).models.find((m) => m.id === id);
    if (!listing) throw new InputError(id, `Model "${id}" did not install.`);
    return listing;
  }
}

/** A Hugging Face export folder holding the fp32 and the int8 encoders side by side. */
async function hasBothVariants(dir: string): Promise<boolean> {
  const loads = (variant: 'fp32' | 'quantized') =>
    detectModelLayout(dir, variant).then(
      (files) => files.layout === 'hf-onnx',
      () => false,
    );
  return (await loads('fp32')) && (await loads('quantized'));
}
