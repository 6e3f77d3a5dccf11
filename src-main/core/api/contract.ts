/**
 * The one contract between the engine and its front ends (Electron IPC, the
 * loopback HTTP server, the CLI). Each operation is declared once: its input
 * schema (validated at the adapter boundary) and its output type. Adapters are
 * generated from `operations`; none of them holds business logic.
 *
 * This module is imported by the renderer for types, so it must stay free of
 * Node APIs: zod and plain types only.
 */
import { z } from 'zod';

const weight = z.number().finite().min(-4).max(4);

export const queryTermSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string().trim().min(1).max(1000), weight: weight.default(1) }),
  z.object({ kind: z.literal('photo'), id: z.number().int().positive(), weight: weight.default(1) }),
  z.object({ kind: z.literal('file'), path: z.string().min(1).max(4096), weight: weight.default(1) }),
]);
export type QueryTerm = z.infer<typeof queryTermSchema>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const filtersSchema = z.object({
  folders: z.array(z.string().min(1)).max(100).optional(),
  after: isoDate.optional(),
  before: isoDate.optional(),
  types: z
    .array(z.string().regex(/^[a-z0-9]+$/i, 'a file extension such as jpg'))
    .max(20)
    .optional(),
  camera: z.string().max(200).optional(),
  hasGps: z.boolean().optional(),
});
export type Filters = z.infer<typeof filtersSchema>;

export const searchInputSchema = z.object({
  terms: z.array(queryTermSchema).min(1, 'a query needs at least one text or image term').max(16),
  filters: filtersSchema.default({}),
  k: z.number().int().min(1).max(100_000).default(50),
  minScore: z.number().min(-1).max(1).optional(),
});
export type SearchInput = z.input<typeof searchInputSchema>;
export type SearchQuery = z.output<typeof searchInputSchema>;

export interface PhotoSummary {
  id: number;
  path: string;
  folder: string;
  width: number;
  height: number;
  format: string;
  size: number;
  takenAt: number | null;
  camera: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface SearchHit extends PhotoSummary {
  score: number;
}

export interface SearchResult {
  hits: SearchHit[];
  model: string;
  tookMs: number;
}

export interface FolderStatus {
  path: string;
  photos: number;
  online: boolean;
  reason: string | null;
  lastScanAt: number | null;
}

export interface FileFailure {
  path: string;
  reason: string;
  code: string;
  at: number;
}

export interface ModelCoverage {
  modelId: string;
  name: string | null;
  embedded: number;
  active: boolean;
  /** Being embedded in the background; becomes active once every photo has a vector. */
  pending: boolean;
}

export interface ModelListing {
  id: string;
  displayName: string;
  whenToPick: string;
  downloadSizeMB: number | null;
  languages: string[];
  licence: string | null;
  isDefault: boolean;
  inCatalog: boolean;
  installed: boolean;
  variant: 'fp32' | 'quantized' | null;
  hasQuantized: boolean;
  active: boolean;
  pending: boolean;
}

export interface ModelsOverview {
  models: ModelListing[];
  modelsDir: string;
  /** The active model's folder when it is not one of the installed models (set with --model). */
  customModelDir: string | null;
}

export interface ModelSwitch {
  active: string | null;
  pending: string | null;
  /** Photos the new model still has to embed before it takes over. */
  toEmbed: number;
}

export interface ModelDownloadProgress {
  id: string;
  file: string;
  bytes: number;
  total: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
}

export interface LibraryStatus {
  libraryDir: string;
  folders: FolderStatus[];
  photos: number;
  model: { id: string; name: string; dir: string; dim: number } | null;
  modelProblem: string | null;
  coverage: ModelCoverage[];
  index: { state: 'ok' | 'rebuilt' | 'empty'; detail: string | null; vectors: number };
  failures: FileFailure[];
  indexing: IndexProgress | null;
}

export type IndexPhase = 'scanning' | 'embedding' | 'done' | 'cancelled';

export interface IndexProgress {
  phase: IndexPhase;
  found: number;
  toEmbed: number;
  embedded: number;
  reused: number;
  removed: number;
  failed: number;
  unchanged: number;
  offline: string[];
  photosPerSecond: number;
  etaSeconds: number | null;
  paused: boolean;
}

const modelId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'a model id such as clip-vit-b32-laion2b')
  .max(100);

export const folderListSchema = z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(100) });

export const operations = {
  status: { input: z.object({}) },
  addFolders: { input: folderListSchema },
  forgetFolder: { input: z.object({ path: z.string().min(1).max(4096) }) },
  index: { input: z.object({ paths: z.array(z.string().min(1).max(4096)).max(100).optional() }) },
  pauseIndexing: { input: z.object({}) },
  resumeIndexing: { input: z.object({}) },
  cancelIndexing: { input: z.object({}) },
  search: { input: searchInputSchema },
  photo: { input: z.object({ id: z.number().int().positive() }) },
  models: { input: z.object({}) },
  installModel: { input: z.object({ id: modelId, quantized: z.boolean().default(false) }) },
  useModel: { input: z.object({ id: modelId }) },
  importModel: { input: z.object({ path: z.string().min(1).max(4096), id: modelId.optional() }) },
  removeModel: { input: z.object({ id: modelId }) },
} as const;

export type OperationName = keyof typeof operations;
export type OperationInput<N extends OperationName> = z.input<(typeof operations)[N]['input']>;

export interface OperationOutputs {
  status: LibraryStatus;
  addFolders: FolderStatus[];
  forgetFolder: { removedPhotos: number };
  index: IndexProgress;
  pauseIndexing: IndexProgress | null;
  resumeIndexing: IndexProgress | null;
  cancelIndexing: IndexProgress | null;
  search: SearchResult;
  photo: PhotoSummary;
  models: ModelsOverview;
  installModel: ModelListing;
  useModel: ModelSwitch;
  importModel: ModelListing;
  removeModel: { removed: string };
}

export interface EngineEvents {
  'index-progress': IndexProgress;
  'library-changed': { reason: 'indexed' | 'folder-added' | 'folder-removed' | 'model-changed' };
  'model-download': ModelDownloadProgress;
}

/** What every front end sees: the same calls, the same events. */
export type PhotoSearchApi = {
  [N in OperationName]: (input: OperationInput<N>) => Promise<OperationOutputs[N]>;
};

/** Errors cross process and HTTP boundaries in this shape. */
export interface ApiErrorBody {
  code: string;
  message: string;
  subject?: string;
}
