/**
 * Every failure the engine reports is one of these: a stable `code` a front end
 * can branch on, and the `subject` (file, folder, model directory or input value)
 * the message is about, so the user knows what to fix.
 */
export type ErrorCode =
  | 'decode-failed'
  /** A photo that crashed the decoder, also when decoded on its own: quarantined until it changes or is retried. */
  | 'decoder-crash'
  | 'unsupported-format'
  | 'file-unreadable'
  | 'too-large'
  | 'folder-offline'
  | 'model-missing'
  | 'model-invalid'
  | 'model-download-failed'
  | 'library-invalid'
  | 'library-newer'
  | 'invalid-input'
  | 'not-found';

export class PhotoSearchError extends Error {
  override readonly name: string = 'PhotoSearchError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly subject?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A photo that could not be read or decoded; indexing records it and moves on. */
export class MediaError extends PhotoSearchError {
  override readonly name = 'MediaError';
  constructor(code: 'decode-failed' | 'unsupported-format' | 'file-unreadable' | 'too-large', file: string, reason: string, options?: { cause?: unknown }) {
    super(code, `${file}: ${reason}`, file, options);
  }
  /** The reason without the file name, as stored per file in the library. */
  get reason(): string {
    return this.message.slice((this.subject?.length ?? 0) + 2);
  }
}

export class ModelError extends PhotoSearchError {
  override readonly name = 'ModelError';
  constructor(code: 'model-missing' | 'model-invalid' | 'model-download-failed', dir: string, message: string, options?: { cause?: unknown }) {
    super(code, message, dir, options);
  }
}

export class LibraryError extends PhotoSearchError {
  override readonly name = 'LibraryError';
  constructor(code: 'library-invalid' | 'library-newer' | 'folder-offline' | 'not-found', subject: string, message: string, options?: { cause?: unknown }) {
    super(code, message, subject, options);
  }
}

/** Bad input from a user or a front end: names the value and says what is accepted. */
export class InputError extends PhotoSearchError {
  override readonly name = 'InputError';
  constructor(value: string, message: string) {
    super('invalid-input', message, value);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
