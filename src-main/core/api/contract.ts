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
  /** Place names (`in:paris`): photos taken in any of them. */
  places: z.array(z.string().trim().min(1).max(200)).max(20).optional(),
  /** Labels (`label:beach`): photos that carry all of them, the user's corrections included. */
  labels: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
  /** An album (`album:Hiking`), by name: its photos only. */
  album: z.string().trim().min(1).max(200).optional(),
});
export type Filters = z.infer<typeof filtersSchema>;

/** A date among the free words of a query (core/search/date-words.ts): a period, or a month or day of any year. */
export const dateWordSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('period'), from: isoDate, to: isoDate, text: z.string().min(1).max(200) }),
  z.object({
    kind: z.literal('yearly'),
    month: z.number().int().min(1).max(12),
    day: z.number().int().min(1).max(31).nullable(),
    text: z.string().min(1).max(200),
  }),
]);
export type QueryDate = z.infer<typeof dateWordSchema>;

export const SORT_ORDERS = ['relevance', 'newest', 'oldest'] as const;

/**
 * A search, as the query language (core/search/query-language.ts) builds it from
 * what the user typed. With no description, term, phrase or date it lists the
 * library (the timeline). `k` is a page size, never a limit: `offset` pages on.
 */
export const searchInputSchema = z.object({
  /** The free words, dates left out: what the model and the name, place, camera and word sources read. */
  description: z.string().trim().max(1000).optional(),
  /** Weight of the description among the terms (an image + text query shares 1 between them). */
  descriptionWeight: weight.default(1),
  /** Further terms: weighted and excluded texts, example photos and files. */
  terms: z.array(queryTermSchema).max(16).default([]),
  /** Quoted phrases: matched literally against names, places and words in photos, never by the model. */
  phrases: z.array(z.string().trim().min(1).max(200)).max(16).default([]),
  dateWords: z.array(dateWordSchema).max(16).default([]),
  /**
   * Photos of the library given as examples ("more like these") and counter-examples; any
   * number, e.g. every photo of a selection. `weight` is their share against the description.
   */
  examples: z
    .object({
      like: z.array(z.number().int().positive()).max(100_000).default([]),
      unlike: z.array(z.number().int().positive()).max(100_000).default([]),
      weight: weight.default(1),
    })
    .default({ like: [], unlike: [], weight: 1 }),
  /**
   * Relevance feedback on the results: photos marked "more like this" (up) and "less like
   * this" (down). They teach the ranking as examples do, and stay in the results, marked.
   */
  feedback: z
    .object({
      up: z.array(z.number().int().positive()).max(10_000).default([]),
      down: z.array(z.number().int().positive()).max(10_000).default([]),
    })
    .default({ up: [], down: [] }),
  filters: filtersSchema.default({}),
  sort: z.enum(SORT_ORDERS).default('relevance'),
  k: z.number().int().min(1).max(100_000).default(50),
  offset: z.number().int().min(0).max(100_000_000).default(0),
  minScore: z.number().min(-1).max(1).optional(),
});
export type SearchInput = z.input<typeof searchInputSchema>;
export type SearchQuery = z.output<typeof searchInputSchema>;
export type SortOrder = SearchQuery['sort'];

/** Where a photo's date comes from: its EXIF, a date in its file name or folder names, or the file's modification time ("file date"). */
export type DateSource = 'exif' | 'file-name' | 'folder-name' | 'file-time';

export interface PhotoSummary {
  id: number;
  /**
   * The photo's path key: the path itself, except that bytes of a name that are not
   * valid UTF-8 are stood for by private-use characters (U+EF80..U+EFFF). Send it
   * back as is to name the photo or its folder; show `displayPath` when present.
   */
  path: string;
  /** The path as a person should read it, present only when it differs from `path` (a Latin-1 name). */
  displayPath?: string;
  folder: string;
  width: number;
  height: number;
  format: string;
  size: number;
  /** The instant it was taken (ms): exact when the offset is known, otherwise a guess. Show and group by `takenLocal`. */
  takenAt: number | null;
  /** The calendar day and clock time where it was taken, ISO 8601 without a zone ("2021-06-01T01:30:00"): show this, whatever the viewer's zone. */
  takenLocal?: string | null;
  /** Its offset from UTC where it was taken ("+09:00"), when the photo says. */
  takenOffset?: string | null;
  /** Where the date comes from; 'file-time' is the file's date, not the day the photo was taken: say so. */
  dateSource?: DateSource | null;
  camera: string | null;
  latitude: number | null;
  longitude: number | null;
}

/** Why a photo is in the results, one source at a time: "file name contains 'trip'", "taken in Paris, France". */
export interface HitReason {
  source: 'visual' | 'names' | 'place' | 'date' | 'camera' | 'text';
  text: string;
}

export interface SearchHit extends PhotoSummary {
  /** Cosine of the photo with the query's visual part; null when the query has none (a name, a place, a date). */
  score: number | null;
  /** The photo stands out for this query: every part of it is confirmed. */
  match: boolean;
  /** 0..100: 100 is this query's best match, 0 the library's typical photo. */
  relevance: number;
  strength: 'strong' | 'good' | 'weak';
  reasons: HitReason[];
}

/** Consecutive photos of a list taken on one calendar day where they were taken ('YYYY-MM-DD'; null: no date known). */
export interface DayRun {
  day: string | null;
  count: number;
}

export interface SearchResult {
  /** One page, in rank order: matches first, then weaker matches. */
  hits: SearchHit[];
  /** How many of the whole ranked list's leading photos are matches. */
  matches: number;
  /** Length of the whole ranked list: every photo the filters leave. */
  total: number;
  offset: number;
  /**
   * For a list in date order (an empty query, sort newest or oldest), on its first page
   * (offset 0): the whole list as runs of one day, in list order, a run never spanning
   * the last match and the first weaker match. What a timeline lays out its day headers by.
   */
  days?: DayRun[];
  model: string;
  /** Photos of the library the model has not embedded yet (an index run does): only their names, places, dates and words can match. */
  unindexed: number;
  tookMs: number;
}

export interface FolderStatus {
  /** Path key, as PhotoSummary.path. */
  path: string;
  /** Present only when it differs from `path`. */
  displayPath?: string;
  photos: number;
  online: boolean;
  reason: string | null;
  lastScanAt: number | null;
}

export interface FileFailure {
  /** Path key, as PhotoSummary.path: a file, or a folder that could not be read (code 'folder-unreadable'). */
  path: string;
  /** Present only when it differs from `path`. */
  displayPath?: string;
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
  /** The weights may not be used commercially, or only for research: the interface says so before it is installed or chosen. */
  licenceRestriction: 'non-commercial' | 'research-only' | null;
  isDefault: boolean;
  inCatalog: boolean;
  installed: boolean;
  variant: 'fp32' | 'quantized' | null;
  hasQuantized: boolean;
  active: boolean;
  pending: boolean;
  /** How the int8 variant fares on this CPU; null for models without one, or when onnxruntime could not be asked. */
  int8: Int8Accuracy | null;
}

export interface Int8Accuracy {
  /** onnxruntime's int8 matrix product here: exact, or saturating 16-bit pair sums (x86 without VNNI), which makes int8 drift from fp32. */
  kernel: 'exact' | 'saturating';
  /** Mean cosine of int8 to fp32 embeddings (1 is identical) measured on this machine with generated inputs; null until both variants were present together. */
  cosine: { image: number; text: number } | null;
}

/** The processor as far as it decides int8 accuracy (core/models/cpu-features.ts, int8-kernel.ts). */
export interface CpuSummary {
  model: string;
  arch: string;
  /** Null where Node alone cannot read them: Windows, and CPUs that are not x86. */
  flags: { avx2: boolean; fma: boolean; avx512f: boolean; avx512Vnni: boolean; avxVnni: boolean } | null;
  /** Null when onnxruntime could not run its probe. */
  int8Kernel: 'exact' | 'saturating' | null;
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
  cpu: CpuSummary;
  textReading: TextReadingStatus;
  /** Photos no longer found whose removal waits for the user's confirmation; see HeldRemoval. */
  heldRemovals?: HeldRemoval[];
}

/**
 * Photos of a library folder that a scan no longer found, kept because they were most
 * or all of the folder (a drive that half-mounted, a sync tool that emptied it). Show
 * them and ask: `index` with `allowRemovals` removes those still missing.
 */
export interface HeldRemoval {
  /** The library folder, a path key. */
  folder: string;
  displayFolder?: string;
  /** How many photos would be removed. */
  photos: number;
  /** How many the folder holds in the library. */
  of: number;
  /** A few of them (path keys), in path order. */
  examples: string[];
  /** In plain words: what was found and what to do. */
  reason: string;
}

/** 'waiting': another process is writing the library; the run starts when it is done (see `waitingFor`). */
/**
 * 'waiting': another process is writing the library; the run starts when it is done (see `waitingFor`).
 * 'organizing': after the embeddings, the steps that build on them (see IndexStep); search works meanwhile.
 */
export type IndexPhase = 'waiting' | 'scanning' | 'embedding' | 'organizing' | 'done' | 'cancelled';

/** A step of the organizing phase: naming places, preparing near-duplicate checks, labels, classifiers, albums, words in photos. */
export interface IndexStep {
  name: 'places' | 'duplicates' | 'labels' | 'classifiers' | 'albums' | 'text';
  /** Photos done and to do in this step; 0 of 0 when the step does not count photos. */
  done: number;
  total: number;
}

export interface IndexProgress {
  phase: IndexPhase;
  /** While waiting: who holds the library, in words ("process 1234 (photo-search.js), indexing since 14:03:12"). */
  waitingFor?: string;
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
  /** Removals this run held for confirmation (see HeldRemoval); empty when none. */
  held?: HeldRemoval[];
  /** While organizing: the step under way. */
  step?: IndexStep;
}

const modelId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'a model id such as clip-vit-b32-laion2b')
  .max(100);

export const folderListSchema = z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(100) });

/** One photo of a group of near-duplicates, with how close it is to the one suggested to keep. */
export interface DuplicateMember extends PhotoSummary {
  /** The folder the file is in (`folder` is the library folder it was found under). */
  directory: string;
  /** The file's modification time, ms. */
  mtimeMs: number;
  /** Cosine of its embedding with the kept photo's (1 for the kept photo). */
  similarity: number;
  /** Bits its perceptual hash differs from the kept photo's in. */
  hashDistance: number;
}

export interface DuplicateGroup {
  /** The photo suggested to keep first, then the others. */
  photos: DuplicateMember[];
  keep: number;
  /** Why that one: 'most pixels', 'original format', 'earliest', 'largest file'. */
  reasons: string[];
  /** Bytes of the photos other than the kept one. */
  reclaimableBytes: number;
}

export interface DuplicateReport {
  /** Groups, the most bytes to reclaim first. */
  groups: DuplicateGroup[];
  threshold: number;
  hashLimit: number;
  /** Photos with an embedding for the model. */
  photos: number;
  /** Photos without a perceptual hash yet: in no group until hashed. */
  unhashed: number;
  /** Where the neighbours came from: the saved index's bottom layer, or a search per photo. */
  graph: 'saved-index' | 'searched';
  tookMs: number;
}

/** Where in a photo a query matches: a grid of cells over the photo as displayed (EXIF orientation applied). */
export interface HeatMap {
  columns: number;
  rows: number;
  /** `rows x columns` values, row after row from the top left: 1 where the query matches best, 0 where worst. */
  values: number[];
  /** Cosine of the best and of the worst window with the query: when they are close, the query matches everywhere alike. */
  best: number;
  worst: number;
  /** Windows the model embedded (0 for a map drawn from the words found in the photo). */
  windows: number;
  /** The photo as displayed, px. */
  width: number;
  height: number;
}

/** A label of the vocabulary as the user sees it. */
export interface LabelInfo {
  name: string;
  /** What filters and corrections match on. */
  key: string;
  /** Its group in the built-in vocabulary (scenes, animals, documents...), or 'user'. */
  group: string;
  origin: 'builtin' | 'user';
  /** Photos that carry it for the active model, the user's corrections included. */
  photos: number;
}

/** One label of one photo, strongest first. */
export interface PhotoLabel {
  name: string;
  key: string;
  /** 0..1: how far the photo stands out for the label (1 for a label the user gave). */
  strength: number;
  /** vocabulary: zero-shot; personal: the user's classifier; user: the user's correction. */
  source: 'vocabulary' | 'personal' | 'user';
  /** For a refinement ("puppy"), the key of the label it refines ("dog"); null for a top-level label. */
  refines: string | null;
}

export interface AlbumSummary {
  id: number;
  name: string;
  description: string | null;
  filters: Filters;
  /** Members: the album's own matches, plus the user's additions, less the user's removals. */
  photos: number;
  /** The best member, to show on the album; null when empty. */
  cover: number | null;
  createdAt: number;
}

export interface AlbumPage {
  album: AlbumSummary;
  /** Members, the user's additions first, then the best match first. */
  photos: Array<PhotoSummary & { strength: number; origin: 'auto' | 'added' }>;
  total: number;
  offset: number;
}

/** A line of text found in a photo: its outline as 4 points 0..1 over the photo as displayed, clockwise from the top left. */
export interface PhotoTextLine {
  text: string;
  /** 0..1, the recogniser's. */
  confidence: number;
  box: Array<{ x: number; y: number }>;
}

/** The words found in one photo, and which lines a query matched. */
export interface PhotoText {
  /** 'unread': not read yet (or reading is off); 'failed': see `reason`. */
  status: 'read' | 'failed' | 'unread';
  reason: string | null;
  /** The OCR model that read it. */
  modelId: string | null;
  lines: PhotoTextLine[];
  /** Indices into `lines` of the lines the query matched (empty without a query). */
  matched: number[];
}

/** Reading words in photos: on or off for this library, and how far it has got. */
export interface TextReadingStatus {
  enabled: boolean;
  /** The OCR model that reads them (models/text/<id>.json): the built-in PP-OCRv4 unless another was chosen. */
  model: string;
  /** Photos read (with or without text), photos in which text was found, photos whose reading failed. */
  read: number;
  withText: number;
  failed: number;
}

/** A personal category ("Mia", "our house") and how many photos the user tagged with it. */
export interface CategoryInfo {
  name: string;
  key: string;
  examples: number;
}

/** What fitting the personal classifiers shows before anything is applied. */
export interface FitReport {
  modelId: string;
  method: 'linear' | 'cache';
  /** Per category, cross-validated balanced accuracy (0..1) at each blend of `blends`. */
  categories: Array<{ name: string; key: string; examples: number; accuracy: number[] }>;
  /** Mean cross-validated balanced accuracy at each blend: 0 = zero-shot only, 1 = classifier only. */
  blends: Array<{ blend: number; accuracy: number }>;
  recommendedBlend: number;
  folds: number;
  /** Untagged photos used as "none of these". */
  backgroundPhotos: number;
}

export interface ApplyReport {
  blend: number;
  categories: Array<{ name: string; key: string; photos: number }>;
}

const photoId = z.number().int().positive();
const photoIds = z.array(photoId).min(1).max(100_000);
const labelName = z.string().trim().min(1).max(100);
/** An album by its id or its name. */
const albumRef = z.union([photoId, z.string().trim().min(1).max(200)]);

export const operations = {
  status: { input: z.object({}) },
  addFolders: { input: folderListSchema },
  forgetFolder: { input: z.object({ path: z.string().min(1).max(4096) }) },
  index: {
    input: z.object({
      paths: z.array(z.string().min(1).max(4096)).max(100).optional(),
      /** Read again the files that failed before, quarantined ones included (each is first decoded on its own). */
      retryFailed: z.boolean().optional(),
      /** Remove the photos no longer found even when that is most of a folder (see HeldRemoval): the user has confirmed. */
      allowRemovals: z.boolean().optional(),
    }),
  },
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
  /** Groups of near-identical photos (bursts, resized or re-encoded copies, edits); `threshold` is the cosine a pair needs. */
  duplicates: { input: z.object({ threshold: z.number().min(0.5).max(1).default(0.9) }) },
  /** Where in photo `id` the query matches: words, or another photo of the library as the example. */
  showWhere: {
    input: z
      .object({ id: photoId, text: z.string().trim().min(1).max(1000).optional(), exampleId: photoId.optional() })
      .refine((q) => (q.text === undefined) !== (q.exampleId === undefined), 'give either words (text) or an example photo (exampleId)'),
  },
  /** The label vocabulary with how many photos carry each label. */
  labels: { input: z.object({}) },
  addLabel: { input: z.object({ name: labelName }) },
  removeLabel: { input: z.object({ name: labelName }) },
  /** A photo's labels, strongest first. */
  photoLabels: { input: z.object({ id: photoId }) },
  /** The user says a photo does (true) or does not (false) carry a label; null hands it back to the model. */
  correctLabel: { input: z.object({ id: photoId, name: labelName, has: z.boolean().nullable() }) },
  albums: { input: z.object({}) },
  /** A smart album from a name, optionally a description, example photos and filters: it fills itself. */
  createAlbum: {
    input: z.object({
      name: z.string().trim().min(1).max(200),
      description: z.string().trim().max(1000).optional(),
      examples: z.array(photoId).max(10_000).optional(),
      filters: filtersSchema.optional(),
    }),
  },
  album: { input: z.object({ album: albumRef, offset: z.number().int().min(0).default(0), k: z.number().int().min(1).max(100_000).default(200) }) },
  addToAlbum: { input: z.object({ album: albumRef, photoIds }) },
  removeFromAlbum: { input: z.object({ album: albumRef, photoIds }) },
  deleteAlbum: { input: z.object({ album: albumRef }) },
  /** The personal categories the user tags photos with. */
  categories: { input: z.object({}) },
  tagPhotos: { input: z.object({ name: labelName, photoIds }) },
  untagPhotos: { input: z.object({ name: labelName, photoIds }) },
  deleteCategory: { input: z.object({ name: labelName }) },
  /** Fits the personal classifiers on the tagged photos and reports their cross-validated accuracy; applies nothing. */
  fitClassifiers: { input: z.object({ method: z.enum(['linear', 'cache']).optional() }) },
  /** Labels the library with the fitted classifiers at `blend` (0 = zero-shot only, 1 = classifier only; null: the recommended one). */
  applyClassifiers: { input: z.object({ blend: z.number().min(0).max(1).nullable() }) },
  /** The photo of the library at a path, however the path reaches it (a link, the real path). */
  findPhoto: { input: z.object({ path: z.string().min(1).max(4096) }) },
  /** The words found in a photo, with the lines a query matches marked. */
  photoText: { input: z.object({ id: photoId, query: z.string().trim().max(1000).optional() }) },
  /** Turns reading words in photos on or off for this library (it runs after the embeddings in every index run). */
  setTextReading: { input: z.object({ enabled: z.boolean() }) },
  /** Reads words in photos with this OCR model from now on (downloaded first when it is not built in); photos are read again by it. */
  useTextModel: { input: z.object({ id: modelId }) },
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
  duplicates: DuplicateReport;
  showWhere: HeatMap;
  labels: LabelInfo[];
  addLabel: LabelInfo;
  removeLabel: { removed: string };
  photoLabels: PhotoLabel[];
  correctLabel: PhotoLabel[];
  albums: AlbumSummary[];
  createAlbum: AlbumSummary;
  album: AlbumPage;
  addToAlbum: AlbumSummary;
  removeFromAlbum: AlbumSummary;
  deleteAlbum: { deleted: string };
  categories: CategoryInfo[];
  tagPhotos: CategoryInfo[];
  untagPhotos: CategoryInfo[];
  deleteCategory: CategoryInfo[];
  fitClassifiers: FitReport;
  applyClassifiers: ApplyReport;
  findPhoto: PhotoSummary;
  photoText: PhotoText;
  setTextReading: TextReadingStatus;
  useTextModel: TextReadingStatus;
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
