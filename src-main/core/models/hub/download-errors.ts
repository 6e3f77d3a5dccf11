import { ModelError, PhotoSearchError, errorMessage } from '../../errors.ts';
import { proxyFor } from './proxy.ts';

/** A failure worth another attempt with Range: a 5xx answer or a body that ended early. */
export class TransientDownloadError extends ModelError {
  constructor(url: string, message: string) {
    super('model-download-failed', url, message);
  }
}

const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN']);
const TLS_TRUST = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);
const INTERRUPTED = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);

function codeOf(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isTransient(err: unknown): boolean {
  if (err instanceof TransientDownloadError) return true;
  if (err instanceof ModelError) return false;
  const code = codeOf(err);
  return code !== undefined && INTERRUPTED.has(code);
}

export function isAbort(err: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (err instanceof Error && err.name === 'AbortError');
}

export const OFFLINE_HINT = 'To install offline, copy a model directory from another machine and run `photo-search models import <dir>`.';

export function megabytes(bytes: number): string {
  return `${Math.max(1, Math.ceil(bytes / 1e6))} MB`;
}

export function diskFullError(modelsDir: string, id: string, bytesNeeded: number, cause?: unknown): ModelError {
  return new ModelError(
    'model-download-failed',
    modelsDir,
    `Not enough disk space in ${modelsDir} to install ${id}: about ${megabytes(bytesNeeded)} more is needed. Free some space and try again; a download resumes where it stopped.`,
    { cause },
  );
}

export interface FailureContext {
  id: string;
  /** What was being fetched, e.g. "owner/repo/onnx/vision_model.onnx" or "owner/repo (file list)". */
  what: string;
  url: URL;
  timeoutMs: number;
  modelsDir: string;
  /** Bytes still to be written when the failure happened, for the disk-full message. */
  bytesNeeded: number;
  env: NodeJS.ProcessEnv;
}

/** One typed error with the file and a next step, whatever the layer that failed. */
export function describeFailure(err: unknown, ctx: FailureContext, signal?: AbortSignal): PhotoSearchError {
  if (isAbort(err, signal)) {
    return new ModelError(
      'model-download-failed',
      ctx.url.href,
      `Installing ${ctx.id} was cancelled. The files downloaded so far are kept; installing again resumes from them.`,
      { cause: err },
    );
  }
  // Ours already name the file, URL or setting they are about.
  if (err instanceof PhotoSearchError) return err;
  const code = codeOf(err);
  if (code === 'ENOSPC') return diskFullError(ctx.modelsDir, ctx.id, ctx.bytesNeeded, err);
  if (code !== undefined && UNREACHABLE.has(code)) {
    const proxy = proxyFor(ctx.url, ctx.env);
    const where = proxy ? `${ctx.url.host} through the proxy ${proxy.host}` : ctx.url.host;
    return new ModelError('model-download-failed', ctx.url.href, `Cannot reach ${where}. ${OFFLINE_HINT}`, { cause: err });
  }
  if (code !== undefined && (code === 'EPROTO' || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || TLS_TRUST.has(code))) {
    return new ModelError(
      'model-download-failed',
      ctx.url.href,
      `Could not open a secure connection to ${ctx.url.host} while fetching ${ctx.what} (${code}). If a proxy inspects TLS traffic on this network, start the app with NODE_EXTRA_CA_CERTS set to its certificate file. ${OFFLINE_HINT}`,
      { cause: err },
    );
  }
  if (code === 'ETIMEDOUT') {
    return new ModelError(
      'model-download-failed',
      ctx.url.href,
      `Timed out fetching ${ctx.what}: ${ctx.url.host} sent nothing for ${ctx.timeoutMs} ms. Check the connection and install again; the download resumes.`,
      { cause: err },
    );
  }
  if (code !== undefined && INTERRUPTED.has(code)) {
    return new ModelError(
      'model-download-failed',
      ctx.url.href,
      `The connection to ${ctx.url.host} broke while fetching ${ctx.what} (${code}). Install again to resume.`,
      { cause: err },
    );
  }
  return new ModelError('model-download-failed', ctx.url.href, `Fetching ${ctx.what} failed: ${errorMessage(err)}`, { cause: err });
}
