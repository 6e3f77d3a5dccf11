import fs from 'node:fs';
import zlib from 'node:zlib';

/**
 * Reads and checks an hnswlib index file in plain JS before the native loader sees it.
 * The native loader trusts the header: a bad element count or capacity makes it
 * allocate wildly, and a wrong row layout makes searches read out of bounds, which
 * kills the process instead of throwing. So every field that sizes memory or sets
 * the layout is checked against the dimension we expect, the whole record structure
 * is walked to the last byte, and a CRC-32 of the file is taken on the way so the
 * caller can compare it with the one recorded when the file was saved.
 *
 * The layout is hnswlib's saveIndex: a fixed header of size_t/int fields in host
 * byte order (little-endian on every platform the app ships for), then the level-0
 * block (`count` rows of `bytesPerElement`), then per element a uint32 byte length
 * followed by its upper-level links.
 */
export interface HnswFileInfo {
  bytes: number;
  crc32: number;
  /** Elements stored, including the ones marked deleted. */
  elements: number;
}

const HEADER_BYTES = 96;
const LABEL_BYTES = 8;
const LINK_BYTES = 4;
const MAX_M = 4096;
const MAX_LEVEL = 64;
const MAX_LABELS = 2 ** 32;
const CHUNK_BYTES = 8 << 20;

interface Header {
  offsetLevel0: number;
  capacity: number;
  elements: number;
  bytesPerElement: number;
  labelOffset: number;
  dataOffset: number;
  maxLevel: number;
  entryPoint: number;
  maxM: number;
  maxM0: number;
  m: number;
  mult: number;
  efConstruction: number;
}

function readHeader(buf: Buffer): Header {
  const size = (at: number): number => {
    const v = buf.readBigUInt64LE(at);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(v);
  };
  return {
    offsetLevel0: size(0),
    capacity: size(8),
    elements: size(16),
    bytesPerElement: size(24),
    labelOffset: size(32),
    dataOffset: size(40),
    maxLevel: buf.readInt32LE(48),
    entryPoint: buf.readUInt32LE(52),
    maxM: size(56),
    maxM0: size(64),
    m: size(72),
    mult: buf.readDoubleLE(80),
    efConstruction: size(88),
  };
}

/** Why the header cannot belong to a sound index of `dim` float32 values, or null when it can. */
function headerProblem(h: Header, dim: number, fileBytes: number): string | null {
  if (h.offsetLevel0 !== 0) return 'unknown layout';
  if (!(h.m >= 2 && h.m <= MAX_M) || h.maxM !== h.m || h.maxM0 !== 2 * h.m) return `implausible M ${h.m}`;
  if (h.dataOffset !== h.maxM0 * LINK_BYTES + LINK_BYTES) return 'link block size does not match M';
  if (h.labelOffset - h.dataOffset !== dim * 4) return `vectors are not ${dim}-dimensional`;
  if (h.bytesPerElement !== h.labelOffset + LABEL_BYTES) return 'element size does not match the dimension';
  if (!(h.mult > 0 && Number.isFinite(h.mult)) || !(h.efConstruction > 0 && h.efConstruction <= Number.MAX_SAFE_INTEGER)) {
    return 'implausible build parameters';
  }
  if (h.elements > (fileBytes - HEADER_BYTES) / h.bytesPerElement) return `${h.elements} elements cannot fit in ${fileBytes} bytes`;
  if (h.capacity > MAX_LABELS || (h.elements > 0 && h.capacity < h.elements)) return `implausible capacity ${h.capacity}`;
  if (h.elements === 0) return null;
  if (h.maxLevel < 0 || h.maxLevel >= MAX_LEVEL) return `implausible level ${h.maxLevel}`;
  if (h.entryPoint >= h.elements) return 'entry point outside the index';
  return null;
}

export type HnswFileScan = { ok: true; info: HnswFileInfo } | { ok: false; why: string };

/** A file whose content is not a sound index; thrown inside the scan only, so I/O errors keep their own type. */
class Unsound extends Error {
  constructor(readonly why: string) {
    super(why);
  }
}

/**
 * Checks `file` as an index of `dim`-dimensional vectors and names the first problem
 * found. I/O failures (missing file, no permission) are thrown as they are.
 */
export function scanHnswFile(file: string, dim: number): HnswFileScan {
  try {
    return { ok: true, info: scan(file, dim) };
  } catch (err) {
    if (err instanceof Unsound) return { ok: false, why: err.why };
    throw err;
  }
}

function scan(file: string, dim: number): HnswFileInfo {
  const fd = fs.openSync(file, 'r');
  try {
    const bytes = fs.fstatSync(fd).size;
    if (bytes < HEADER_BYTES) throw new Unsound(`only ${bytes} bytes`);
    const buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, bytes));
    readFully(fd, buf, HEADER_BYTES, 0);
    const header = readHeader(buf);
    const problem = headerProblem(header, dim, bytes);
    if (problem !== null) throw new Unsound(problem);

    const upperLinkBytes = header.maxM * LINK_BYTES + LINK_BYTES;
    const maxLinkBytes = header.maxLevel * upperLinkBytes;
    let crc = 0;
    let hashedTo = 0;
    let nextRecord = HEADER_BYTES + header.elements * header.bytesPerElement;
    let recordsLeft = header.elements;
    let pos = 0;
    while (pos < bytes) {
      const length = Math.min(buf.length, bytes - pos);
      readFully(fd, buf, length, pos);
      const end = pos + length;
      crc = zlib.crc32(buf.subarray(hashedTo - pos, length), crc);
      hashedTo = end;
      while (recordsLeft > 0 && nextRecord + 4 <= end) {
        const linkBytes = buf.readUInt32LE(nextRecord - pos);
        if (linkBytes % upperLinkBytes !== 0 || linkBytes > maxLinkBytes) {
          throw new Unsound(`corrupt link record at byte ${nextRecord}`);
        }
        nextRecord += 4 + linkBytes;
        recordsLeft--;
      }
      if (recordsLeft > 0 && nextRecord < end) {
        if (nextRecord + 4 > bytes) break;
        // A length field split across two chunks is read again at the start of the next one.
        pos = nextRecord;
      } else {
        pos = end;
      }
    }
    if (recordsLeft > 0) throw new Unsound(`truncated: ${recordsLeft} of ${header.elements} link records missing`);
    if (nextRecord !== bytes) throw new Unsound(`${bytes - nextRecord} unexpected bytes after the last record`);
    return { bytes, crc32: crc >>> 0, elements: header.elements };
  } finally {
    fs.closeSync(fd);
  }
}

function readFully(fd: number, buf: Buffer, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new Unsound('file ended while reading');
    done += n;
  }
}
