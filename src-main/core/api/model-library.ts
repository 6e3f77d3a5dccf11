import fs from 'node:fs';
import path from 'node:path';
import type { ModelListing, ModelsOverview } from './contract.ts';
import type { EngineEventBus } from './events.ts';
import { InputError } from '../errors.ts';
import { findEntry, loadCatalog, type CatalogEntry } from '../models/catalog.ts';
import { importModel, installModel, listInstalled, removeModel, type InstalledModel } from '../models/hub/index.ts';
import type { LibraryStore } from '../store/library-store.ts';

const ACTIVE_SETTING = 'model-dir';
const PENDING_SETTING = 'pending-model-dir';

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
    const listings = catalog.map((entry) =>
      this.listing(
        entry,
        installed.find((i) => i.id === entry.id),
      ),
    );
    for (const extra of installed.filter((i) => !catalog.some((c) => c.id === i.id))) listings.push(this.listing(null, extra));
    const active = this.activeDir;
    const custom = active && !listings.some((l) => l.active) ? active : null;
    return { models: listings, modelsDir: this.modelsDir, customModelDir: custom };
  }

  private listing(entry: CatalogEntry | null, installed: InstalledModel | undefined): ModelListing {
    const id = entry?.id ?? installed!.id;
    const dir = path.join(this.modelsDir, id);
    return {
      id,
      displayName: entry?.displayName ?? id,
      whenToPick: entry?.whenToPick ?? (installed?.importedFrom ? `Imported from ${installed.importedFrom}` : 'Installed by hand'),
      downloadSizeMB: entry?.downloadSizeMB ?? null,
      languages: entry?.languages ?? [],
      licence: entry?.licence ?? null,
      isDefault: entry?.default === true,
      inCatalog: entry !== null,
      installed: installed !== undefined,
      variant: installed?.variant ?? (installed ? 'fp32' : null),
      hasQuantized: entry?.quantized !== undefined,
      active: installed !== undefined && this.activeDir === dir,
      pending: installed !== undefined && this.pendingDir === dir,
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
    await installModel(entry, this.modelsDir, {
      quantized,
      signal,
      onProgress: (p) =>
        this.events.emit('model-download', { id, file: p.file, bytes: p.bytes, total: p.total, bytesPerSecond: p.bytesPerSecond, etaSeconds: p.etaSeconds }),
    });
    return this.listingOf(id);
  }

  async import(source: string, id?: string): Promise<ModelListing> {
    fs.mkdirSync(this.modelsDir, { recursive: true });
    const imported = await importModel(path.resolve(source), this.modelsDir, id);
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
