import type { QueryTerm } from '../api/contract.ts';
import { InputError, LibraryError } from '../errors.ts';
import { decodeForModel } from '../indexer/decode-for-model.ts';
import { userPathKeys } from '../media/path-key.ts';
import type { ClipModel } from '../models/types.ts';
import type { LibraryStore } from '../store/library-store.ts';
import { l2normalize } from '../vectors/math.ts';
import type { TextEmbeddingCache } from './text-cache.ts';

export interface ResolvedQuery {
  vector: Float32Array;
  /** Indexed photos used as positive examples: the user already has them, so they are not results. */
  exampleIds: Set<number>;
}

/**
 * The query algebra: every term becomes a normalised embedding, the weighted sum
 * of them is the query, and the sum is normalised again so scores stay cosines.
 * Negative weights push matching photos down.
 */
export async function resolveQuery(terms: readonly QueryTerm[], model: ClipModel, store: LibraryStore, cache: TextEmbeddingCache): Promise<ResolvedQuery> {
  const sum = new Float32Array(model.dim);
  const exampleIds = new Set<number>();
  const texts = terms.filter((t) => t.kind === 'text').map((t) => t.text);
  const textVectors = await embedTexts(texts, model, cache);
  for (const term of terms) {
    let v: Float32Array;
    if (term.kind === 'text') v = textVectors.get(term.text)!;
    else if (term.kind === 'photo') {
      const stored = store.embeddings.vector(model.id, term.id);
      if (!stored) throw new LibraryError('not-found', String(term.id), `Photo ${term.id} is not in the library or not indexed with ${model.name} yet.`);
      v = stored;
      if (term.weight > 0) exampleIds.add(term.id);
    } else {
      // However the path reaches it (a link to the library, the real path), an indexed photo is itself: its stored vector, not a result.
      const keys = userPathKeys(term.path);
      const known = store.photos.byAnyPath(keys);
      const stored = known && store.embeddings.vector(model.id, known.id);
      v = stored || (await embedFile(keys[0], model));
      if (known && term.weight > 0) exampleIds.add(known.id);
    }
    for (let i = 0; i < sum.length; i++) sum[i] += term.weight * v[i];
  }
  if (!sum.some((x) => x !== 0)) {
    throw new InputError(terms.map(describeTerm).join(' '), 'The query terms cancel each other out; give a positive term (text or image).');
  }
  return { vector: l2normalize(sum), exampleIds };
}

async function embedTexts(texts: string[], model: ClipModel, cache: TextEmbeddingCache): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  const todo: string[] = [];
  for (const t of texts) {
    const hit = cache.get(model.id, t);
    if (hit) out.set(t, hit);
    else if (!todo.includes(t)) todo.push(t);
  }
  if (todo.length > 0) {
    const vectors = await model.encodeTexts(todo);
    todo.forEach((t, i) => {
      cache.set(model.id, t, vectors[i]);
      out.set(t, vectors[i]);
    });
  }
  return out;
}

/** A file the user chose as a query (a path key) is trusted input: decode it like a photo, without storing it. */
async function embedFile(file: string, model: ClipModel): Promise<Float32Array> {
  const { pixels } = await decodeForModel(file, model.preprocess);
  const [v] = await model.encodeImages(pixels, 1);
  return v;
}

function describeTerm(t: QueryTerm): string {
  return t.kind === 'text' ? `"${t.text}"` : t.kind === 'photo' ? `photo ${t.id}` : t.path;
}
