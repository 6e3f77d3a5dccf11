import path from 'node:path';
import type { DuplicateGroup, DuplicateMember, DuplicateReport } from '../api/contract.ts';
import { hashDistance, PERCEPTUAL_HASH_VERSION } from '../media/perceptual-hash.ts';
import type { LibraryStore } from '../store/library-store.ts';
import { PerceptualHashTable } from '../store/perceptual-hashes.ts';
import type { HnswIndex } from '../vectors/hnsw-index.ts';
import { suggestKeep } from './keep-suggestion.ts';
import { searchedGraph, type NeighbourGraph } from './neighbour-graph.ts';
import { DEFAULT_DUPLICATE_THRESHOLD, groupNearDuplicates, hashLimitFor, type DuplicateOptions } from './near-duplicates.ts';
import { readSavedGraph } from './saved-graph.ts';

export type { DuplicateGroup, DuplicateMember, DuplicateReport };

/** Neighbours asked for per photo when the saved index cannot be read: hnswlib's own M. */
const SEARCHED_NEIGHBOURS = 16;
/** Search breadth for those searches: enough for near neighbours, which are found first. */
const SEARCHED_BREADTH = 64;

export interface DuplicateSource {
  store: LibraryStore;
  modelId: string;
  dim: number;
  /** The model's saved index (LibraryPaths.vectorIndex); save it first (ModelIndex.save) so that it is in step. */
  indexFile: string;
  /** The live graph (ModelIndex.hnsw), searched photo by photo when the saved index is not in step with the store. */
  live: HnswIndex;
}

function graphOf(src: DuplicateSource): { graph: NeighbourGraph; kind: DuplicateReport['graph'] } {
  const stamp = src.store.embeddings.stamp(src.modelId);
  const saved = stamp ? readSavedGraph(src.indexFile, src.dim, stamp) : null;
  if (saved) return { graph: saved, kind: 'saved-index' };
  const breadth = src.live.efMin;
  src.live.efMin = SEARCHED_BREADTH;
  try {
    return { graph: searchedGraph(src.live, src.store.embeddings.all(src.modelId), src.dim, SEARCHED_NEIGHBOURS), kind: 'searched' };
  } finally {
    src.live.efMin = breadth;
  }
}

/**
 * The library's near-duplicate groups for one model (near-duplicates.ts), each with
 * its photos' sizes, dates and folders and the one suggested to keep. Reads only:
 * the app never deletes a photo.
 * @throws InputError for a threshold outside 0..1; LibraryError when the index file cannot be read
 */
export function findDuplicates(src: DuplicateSource, opts: Partial<DuplicateOptions> = {}): DuplicateReport {
  const started = performance.now();
  const threshold = opts.threshold ?? DEFAULT_DUPLICATE_THRESHOLD;
  const hashLimit = opts.hashLimit ?? hashLimitFor(threshold);
  const { graph, kind } = graphOf(src);
  const hashes = new PerceptualHashTable(src.store.db).all(PERCEPTUAL_HASH_VERSION);
  const grouping = groupNearDuplicates(graph, (id) => hashes.get(id), { threshold, hashLimit });

  const wanted = new Set(grouping.groups.flat());
  const rowOf = new Map<number, number>();
  let photos = 0;
  for (let row = 0; row < graph.size; row++) {
    if (!graph.live(row)) continue;
    photos++;
    const id = graph.id(row);
    if (wanted.has(id)) rowOf.set(id, row);
  }
  const ids = [...wanted];
  const summaries = src.store.photos.summaries(ids);
  const mtimes = new Map(
    (
      src.store.db.prepare('SELECT id, mtime_ms AS mtimeMs FROM photos WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as Array<{
        id: number;
        mtimeMs: number;
      }>
    ).map((r) => [r.id, r.mtimeMs]),
  );

  const groups: DuplicateGroup[] = [];
  for (const members of grouping.groups) {
    const known = members.flatMap((id) => {
      const summary = summaries.get(id);
      return summary ? [{ ...summary, mtimeMs: mtimes.get(id) ?? 0 }] : [];
    });
    if (known.length < 2) continue;
    const { keep, others, reasons } = suggestKeep(known);
    const keepRow = rowOf.get(keep.id)!;
    const keepHash = hashes.get(keep.id)!;
    const photosOf = [keep, ...others].map((p): DuplicateMember => ({
      ...p,
      directory: path.dirname(p.path),
      similarity: p.id === keep.id ? 1 : graph.similarity(keepRow, rowOf.get(p.id)!),
      hashDistance: hashDistance(keepHash, hashes.get(p.id)!),
    }));
    groups.push({ photos: photosOf, keep: keep.id, reasons, reclaimableBytes: others.reduce((sum, p) => sum + p.size, 0) });
  }
  groups.sort((a, b) => b.reclaimableBytes - a.reclaimableBytes || a.keep - b.keep);
  return { groups, threshold, hashLimit, photos, unhashed: grouping.unhashed, graph: kind, tookMs: performance.now() - started };
}
