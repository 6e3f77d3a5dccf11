import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { ModelError } from '../../errors.ts';
import { httpGet, type HttpGetOptions } from './http-get.ts';

export const DEFAULT_HUB_URL = 'https://huggingface.co';

export interface RemoteFile {
  size: number;
  /** Present for LFS files only; small files are hashed after download instead. */
  sha256?: string;
}

export interface RepoRevision {
  /** The commit the requested branch or tag pointed to when asked. */
  sha: string;
  files: Map<string, RemoteFile>;
}

const revisionSchema = z.object({
  sha: z.string().regex(/^[0-9a-f]{40}$/, 'must be a 40-digit commit hash'),
  siblings: z.array(
    z.object({
      rfilename: z.string(),
      size: z.int().nonnegative().optional(),
      lfs: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.int().nonnegative() }).optional(),
    }),
  ),
});

/** The answer is a listing of one repository; anything this large is not one. */
const MAX_API_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Joins onto the hub's base URL, keeping any path prefix a mirror uses. */
export function hubUrl(base: string, ...segments: string[]): URL {
  const root = base.endsWith('/') ? base : `${base}/`;
  return new URL(segments.join('/'), root);
}

export function encodePath(repoPath: string): string {
  return repoPath.split('/').map(encodeURIComponent).join('/');
}

/** The commit a branch resolves to and each file's size and (for LFS files) SHA-256. */
export async function fetchRevision(base: string, repo: string, revision: string, opts: HttpGetOptions): Promise<RepoRevision> {
  const url = hubUrl(base, 'api/models', repo, 'revision', `${encodeURIComponent(revision)}?blobs=true`);
  const res = await httpGet(url, { ...opts, headers: { ...opts.headers, accept: 'application/json' } });
  if (res.status !== 200) {
    res.body.resume();
    const missing = res.status === 404 || res.status === 401;
    throw new ModelError(
      'model-download-failed',
      url.href,
      missing
        ? `Model repository ${repo} (revision ${revision}) not found on the hub at ${base}`
        : `The hub at ${base} answered HTTP ${res.status} when asked for ${repo} (revision ${revision})`,
    );
  }
  const text = await readText(res.body, url);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelError('model-download-failed', url.href, `The hub at ${base} sent an unreadable answer for ${repo}: not JSON`, { cause: err });
  }
  const parsed = revisionSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelError(
      'model-download-failed',
      url.href,
      `The hub at ${base} sent an unexpected answer for ${repo}: ${issue.path.join('.')}: ${issue.message}`,
      {
        cause: parsed.error,
      },
    );
  }
  const files = new Map<string, RemoteFile>();
  for (const sibling of parsed.data.siblings) {
    const size = sibling.lfs?.size ?? sibling.size;
    if (size === undefined) continue;
    files.set(sibling.rfilename, { size, sha256: sibling.lfs?.sha256 });
  }
  return { sha: parsed.data.sha, files };
}

async function readText(body: IncomingMessage, url: URL): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    length += (chunk as Buffer).length;
    if (length > MAX_API_RESPONSE_BYTES) {
      body.destroy();
      throw new ModelError('model-download-failed', url.href, `The hub's answer from ${url.host} is larger than ${MAX_API_RESPONSE_BYTES} bytes; refusing it`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
