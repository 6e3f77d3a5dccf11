/**
 * File and folder helpers the front ends share with the engine: where the
 * library lives by default, path containment, path keys (a stored path is a key:
 * `fsPath` gives what to open, `displayPath` what to show), and crash-safe writes
 * of small side files (the desktop shell's window state).
 */
export { APP_NAME, defaultLibraryDir, isWithin } from '../paths.ts';
export { displayPath, fsPath, realKey } from '../media/path-key.ts';
export { writeFileAtomic } from '../vectors/atomic-file.ts';
