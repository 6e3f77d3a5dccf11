import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { ModelError } from '../../errors.ts';
import { TransientDownloadError, isAbort, isTransient } from './download-errors.ts';
import { fileSize, fsyncFile, hashFileInto, sha256File } from './durable-fs.ts';
import { httpGet, type HttpGetOptions } from './http-get.ts';

export interface FileJob {
  /** "owner/repo/path", the name every message uses. */
  label: string;
  /** The branch or tag the user asked for, for the not-found message. */
  revision: string;
  url: URL;
  dest: string;
  size: number;
  /** Known for LFS files; for small files the hub gives none and the size is all we can check. */
  sha256?: string;
}

export interface FileDownloadOptions extends Omit<HttpGetOptions, 'headers'> {
  /** Bytes of this file on disk so far; never decreases, even when the server makes us restart. */
  onBytes: (fileBytes: number) => void;
}

const MAX_ATTEMPTS = 3;
const BACKOFF_MS = 250;

/**
 * Downloads one file into `dest`, resuming from whatever part of it is already there, and
 * returns its SHA-256. A file that fails its checksum is deleted; a failure worth retrying
 * (dropped connection, stall, 5xx) is retried with Range a few times before it is reported.
 */
export async function downloadFile(job: FileJob, opts: FileDownloadOptions): Promise<string> {
  await fsp.mkdir(path.dirname(job.dest), { recursive: true });
  let freshRetryUsed = false;
  for (let attempt = 1; ; attempt++) {
    try {
      const offset = await usablePrefix(job);
      opts.onBytes(offset);
      if (offset === job.size) {
        const sha256 = await sha256File(job.dest);
        if (!job.sha256 || sha256 === job.sha256) return sha256;
        await fsp.rm(job.dest, { force: true });
        continue;
      }
      const { sha256, resumedFrom } = await transfer(job, offset, opts);
      if (!job.sha256 || sha256 === job.sha256) return sha256;
      await fsp.rm(job.dest, { force: true });
      // A resumed file can hold a bad prefix from an earlier run: one fresh download settles it.
      if (resumedFrom > 0 && !freshRetryUsed) {
        freshRetryUsed = true;
        continue;
      }
      throw new ModelError(
        'model-download-failed',
        job.url.href,
        `${job.label}: checksum mismatch (expected SHA-256 ${job.sha256}, got ${sha256}). The damaged file was deleted; install again to retry.`,
      );
    } catch (err) {
      if (attempt < MAX_ATTEMPTS && isTransient(err) && !isAbort(err, opts.signal)) {
        await delay(BACKOFF_MS * attempt, undefined, { signal: opts.signal });
        continue;
      }
      throw err;
    }
  }
}

/** Bytes already on disk that a Range request can continue from; an oversized file is dropped. */
async function usablePrefix(job: FileJob): Promise<number> {
  const size = await fileSize(job.dest);
  if (size === null) return 0;
  if (size > job.size) {
    await fsp.rm(job.dest, { force: true });
    return 0;
  }
  return size;
}

async function transfer(job: FileJob, offset: number, opts: FileDownloadOptions): Promise<{ sha256: string; resumedFrom: number }> {
  const res = await httpGet(job.url, { ...opts, headers: offset > 0 ? { range: `bytes=${offset}-` } : undefined });
  let start: number;
  if (res.status === 206 && offset > 0) {
    const range = /^bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''));
    if (!range || Number(range[1]) !== offset) {
      res.body.resume();
      await fsp.rm(job.dest, { force: true });
      throw new TransientDownloadError(job.url.href, `${job.label}: the server resumed at the wrong position; restarting the file`);
    }
    start = offset;
  } else if (res.status === 200) {
    start = 0;
  } else {
    res.body.resume();
    throw await statusError(job, res.status);
  }

  const hash = createHash('sha256');
  if (start > 0) await hashFileInto(hash, job.dest, start);
  let written = start;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      written += chunk.length;
      if (written > job.size) {
        callback(new ModelError('model-download-failed', job.url.href, `${job.label}: the server sent more than the expected ${job.size} bytes`));
        return;
      }
      hash.update(chunk);
      opts.onBytes(Math.max(offset, written));
      callback(null, chunk);
    },
  });
  // A connection that drops mid-file ends the data instead of failing the pipeline: a failed
  // pipeline destroys the file stream and loses what was received but not yet written,
  // and those bytes are what the next attempt resumes from.
  const dropped: { error: Error | null } = { error: null };
  async function* received(body: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of body) yield chunk as Buffer;
    } catch (err) {
      dropped.error = err instanceof Error ? err : new Error(String(err));
    }
  }
  try {
    await pipeline(received(res.body), meter, fs.createWriteStream(job.dest, { flags: start > 0 ? 'a' : 'w' }));
  } catch (err) {
    if (written > job.size) await fsp.rm(job.dest, { force: true });
    throw err;
  }
  if (dropped.error) throw dropped.error;
  if (written !== job.size) {
    throw new TransientDownloadError(job.url.href, `${job.label}: the download ended at ${written} of ${job.size} bytes`);
  }
  await fsyncFile(job.dest);
  return { sha256: hash.digest('hex'), resumedFrom: start };
}

async function statusError(job: FileJob, status: number): Promise<ModelError> {
  if (status === 404 || status === 401) {
    return new ModelError('model-download-failed', job.url.href, `${job.label} not found on the hub (revision ${job.revision})`);
  }
  if (status === 416) {
    // The server has less of the file than we already do: the partial copy is not from this file.
    await fsp.rm(job.dest, { force: true });
    return new TransientDownloadError(job.url.href, `${job.label}: the server refused to resume (HTTP 416); restarting the file`);
  }
  if (status >= 500) return new TransientDownloadError(job.url.href, `${job.label}: the hub answered HTTP ${status}`);
  return new ModelError('model-download-failed', job.url.href, `${job.label}: the hub answered HTTP ${status}`);
}
