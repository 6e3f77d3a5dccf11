/**
 * The engine's typed errors, for the front ends: they throw InputError for bad
 * arguments of their own and format every error the engine returns.
 */
export { InputError, LibraryError, MediaError, ModelError, PhotoSearchError, errorMessage, type ErrorCode } from '../errors.ts';
