import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { ModelError, errorMessage } from '../errors.ts';
import { readJsonFile } from './json-file.ts';
import type { ModelFiles } from './layout.ts';

/** Token ids of a batch of texts, row-major [count, length], padded to one length. */
export interface TokenBatch {
  count: number;
  /** Sequence length every row is padded to. */
  length: number;
  ids: Int32Array;
  attentionMask: Int32Array;
  /** Real tokens per text (start and end tokens included). */
  tokenCounts: number[];
}

type TokenSpec = string | { content: string } | null | undefined;

/**
 * The part of @huggingface/tokenizers' Tokenizer this app uses. The package's type
 * declarations import their siblings without file extensions, which NodeNext
 * resolution cannot follow, so its class reaches TypeScript untyped; this names the
 * shape of the calls (types/core/Tokenizer.d.ts of the package).
 */
interface Tokenizer {
  encode(text: string): { ids: number[] };
  token_to_id(token: string): number | undefined;
  get_added_tokens_decoder(): Map<number, { special: boolean }>;
}
const TokenizerClass = HfTokenizer as unknown as new (tokenizer: object, config: object) => Tokenizer;

function tokenContent(token: TokenSpec): string | undefined {
  if (typeof token === 'string') return token;
  return token?.content;
}

/**
 * tokenizer.json used as is (normalizer, pre-tokenizer, model and the
 * post-processor that adds the start/end tokens); padding and truncation follow
 * the model's context length.
 */
export class TextTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    readonly contextLength: number,
    readonly padId: number,
  ) {}

  /** The same tokenizer for a model whose context is `contextLength` tokens. */
  withContextLength(contextLength: number): TextTokenizer {
    return contextLength === this.contextLength ? this : new TextTokenizer(this.tokenizer, contextLength, this.padId);
  }

  static async load(files: ModelFiles, contextLength: number): Promise<TextTokenizer> {
    const json = await readJsonFile(files.tokenizer, files.dir);
    const config = (files.tokenizerConfig ? await readJsonFile(files.tokenizerConfig, files.dir) : {}) as Record<string, unknown>;
    if (typeof json !== 'object' || json === null || !('model' in json)) {
      throw new ModelError('model-invalid', files.dir, `${files.tokenizer}: not a tokenizer.json (no "model" section)`);
    }
    let tokenizer: Tokenizer;
    try {
      tokenizer = new TokenizerClass(json, config);
    } catch (err) {
      throw new ModelError('model-invalid', files.dir, `${files.tokenizer}: cannot build the tokenizer (${errorMessage(err)})`, { cause: err });
    }
    return new TextTokenizer(tokenizer, contextLength, padIdOf(tokenizer, json, config));
  }

  /** Ids of one text with start/end tokens, at most contextLength long; truncation keeps the end token. */
  encode(text: string): number[] {
    const ids = this.tokenizer.encode(text).ids;
    if (ids.length <= this.contextLength) return ids;
    const last = ids[ids.length - 1];
    const endsWithSpecial = this.tokenizer.get_added_tokens_decoder().get(last)?.special === true;
    return endsWithSpecial ? [...ids.slice(0, this.contextLength - 1), last] : ids.slice(0, this.contextLength);
  }

  /**
   * Pads the batch to `padTo` when given (fixed-length text graphs), otherwise only
   * to the longest text in the batch.
   */
  batch(texts: readonly string[], padTo?: number): TokenBatch {
    const rows = texts.map((t) => this.encode(t));
    const length = padTo ?? Math.max(1, ...rows.map((r) => r.length));
    const ids = new Int32Array(rows.length * length).fill(this.padId);
    const attentionMask = new Int32Array(rows.length * length);
    rows.forEach((row, r) => {
      ids.set(row, r * length);
      attentionMask.fill(1, r * length, r * length + row.length);
    });
    return { count: rows.length, length, ids, attentionMask, tokenCounts: rows.map((r) => r.length) };
  }
}

function padIdOf(tokenizer: Tokenizer, json: Record<string, unknown>, config: Record<string, unknown>): number {
  const named = [config.pad_token, config.eos_token].map((t) => tokenContent(t as TokenSpec));
  for (const name of named) {
    const id = name === undefined ? undefined : tokenizer.token_to_id(name);
    if (id !== undefined) return id;
  }
  const padding = json.padding as { pad_id?: unknown } | null | undefined;
  return typeof padding?.pad_id === 'number' ? padding.pad_id : 0;
}
