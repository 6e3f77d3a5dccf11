/**
 * Path keys: how the library names a file or folder, whatever bytes its name holds.
 *
 * POSIX file names are bytes, and not every byte string is UTF-8 (a Latin-1
 * `Et\xE9.jpg` copied from an old camera card or a Windows share). Node's string
 * paths replace such bytes with U+FFFD, which names no file. A key is the path
 * decoded as UTF-8 where the bytes are valid, with every other byte b mapped to
 * the private-use character U+EF00 + b (U+EF80..U+EFFF, after MirOS' OPTU-8).
 * Valid UTF-8 that encodes one of those 128 characters is escaped byte by byte as
 * well, so decoding is injective: `keyToBytes(keyFromBytes(b))` is `b` for every
 * byte string, and a valid name's key is the very string Node gives for it.
 * Private-use characters, unlike Python's lone surrogates, survive SQLite, JSON
 * and IPC unchanged, so the key is what the library stores everywhere.
 *
 * Every file-system call on a photo or folder goes through `fsPath(key)`; people
 * see `displayPath(key)`. A path typed by a user is read as a key.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

const ESCAPE_BASE = 0xef00;
const FIRST_ESCAPE = 0xef80;
const LAST_ESCAPE = 0xefff;
const ESCAPES = /[\uef80-\uefff]/;
const ESCAPE_RUNS = /[\uef80-\uefff]+/g;
const REPLACEMENT = '\ufffd';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Windows-1252 (WHATWG encoding standard, index-windows-1252) for bytes 0x80..0x9F; the
 * rest is Latin-1. Written out because Node's TextDecoder decodes this label as Latin-1.
 */
const WINDOWS_1252_C1 = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ';

function windows1252(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_C1[byte - 0x80] : String.fromCharCode(byte);
  return out;
}

/** Length of the valid UTF-8 sequence starting at `i` (RFC 3629: no overlongs, surrogates or values past U+10FFFF), 0 if none. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i];
  if (b0 < 0x80) return 1;
  const cont = (at: number, lo = 0x80, hi = 0xbf) => at < bytes.length && bytes[at] >= lo && bytes[at] <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

function escapeByte(byte: number): string {
  return String.fromCharCode(ESCAPE_BASE + byte);
}

/** The key of a path or name given as raw bytes (what readdir and realpath return with encoding 'buffer'). */
export function keyFromBytes(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fast = buffer.toString('utf8');
  // Node's decoder is strict too: without U+FFFD and escape characters the bytes were valid and need no escaping.
  if (!fast.includes(REPLACEMENT) && !ESCAPES.test(fast)) return fast;
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) {
      out += escapeByte(bytes[i]);
      i++;
      continue;
    }
    const text = buffer.toString('utf8', i, i + length);
    const code = text.codePointAt(0)!;
    if (code >= FIRST_ESCAPE && code <= LAST_ESCAPE) for (let j = i; j < i + length; j++) out += escapeByte(bytes[j]);
    else out += text;
    i += length;
  }
  return out;
}

/** The bytes a key stands for. */
export function keyToBytes(key: string): Buffer {
  if (!ESCAPES.test(key)) return Buffer.from(key, 'utf8');
  const parts: Buffer[] = [];
  let plain = '';
  for (const char of key) {
    const code = char.codePointAt(0)!;
    if (code >= FIRST_ESCAPE && code <= LAST_ESCAPE) {
      if (plain) parts.push(Buffer.from(plain, 'utf8'));
      plain = '';
      parts.push(Buffer.of(code - ESCAPE_BASE));
    } else plain += char;
  }
  if (plain) parts.push(Buffer.from(plain, 'utf8'));
  return Buffer.concat(parts);
}

/** What to hand to a Node fs call for a key: the key itself when its name is valid UTF-8, otherwise its bytes. */
export function fsPath(key: string): string | Buffer {
  return ESCAPES.test(key) ? keyToBytes(key) : key;
}

/**
 * A key as a person should see it: bytes that are not UTF-8 read as Windows-1252, what
 * such names most often are (Western Windows, old cameras): `Et\xE9.jpg` shows as
 * `Eté.jpg`. Not unique: never use it to find a file.
 */
export function displayPath(key: string): string {
  if (!ESCAPES.test(key)) return key;
  return key.replace(ESCAPE_RUNS, (run) => {
    const bytes = Uint8Array.from(run, (c) => c.charCodeAt(0) - ESCAPE_BASE);
    try {
      return strictUtf8.decode(bytes);
    } catch {
      return windows1252(bytes);
    }
  });
}

/** The key of the real path of `key` (links resolved); throws Node's fs error when it does not exist. */
export async function realKey(key: string): Promise<string> {
  return keyFromBytes(await fsp.realpath(fsPath(key), { encoding: 'buffer' }));
}

/** realKey, synchronously: for the few places that resolve a path given by a user. */
export function realKeySync(key: string): string {
  return keyFromBytes(fs.realpathSync(fsPath(key), { encoding: 'buffer' }));
}

/**
 * The keys a file or folder named by a user may be stored under: the path as given
 * (made absolute, read as a key) and its real path, so a photo or folder reached
 * through a link is the same one. Photos match either by their own path or by their
 * real path (PhotoTable.byAnyPath, the folder filter).
 */
export function userPathKeys(userPath: string): string[] {
  const given = path.resolve(userPath);
  try {
    return [...new Set([given, realKeySync(given)])];
  } catch {
    return [given];
  }
}
