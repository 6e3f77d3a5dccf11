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
 * Walks the file chunk by chunk: asks for the next span to read (`next`), takes its
 * bytes (`feed`), and keeps the CRC and the position of the next link record. The
 * reading is left to a synchronous or an asynchronous driver.
 */
class Scanner {
  private crc = 0;
  private hashedTo = 0;
  private nextRecord: number;
  private recordsLeft: number;
  private readonly upperLinkBytes: number;
  private readonly maxLinkBytes: number;
  private pos = 0;
  private stopped = false;

  constructor(
    private readonly header: Header,
    private readonly bytes: number,
  ) {
    this.upperLinkBytes = header.maxM * LINK_BYTES + LINK_BYTES;
    this.maxLinkBytes = header.maxLevel * this.upperLinkBytes;
    this.nextRecord = HEADER_BYTES + header.elements * header.bytesPerElement;
    this.recordsLeft = header.elements;
  }

  next(): { position: number; length: number } | null {
    if (this.stopped || this.pos >= this.bytes) return null;
    return { position: this.pos, length: Math.min(CHUNK_BYTES, this.bytes - this.pos) };
  }

  feed(buf: Buffer, length: number): void {
    const pos = this.pos;
    const end = pos + length;
    this.crc = zlib.crc32(buf.subarray(this.hashedTo - pos, length), this.crc);
    this.hashedTo = end;
    while (this.recordsLeft > 0 && this.nextRecord + 4 <= end) {
      const linkBytes = buf.readUInt32LE(this.nextRecord - pos);
      if (linkBytes % this.upperLinkBytes !== 0 || linkBytes > this.maxLinkBytes) {
        throw new Unsound(`corrupt link record at byte ${this.nextRecord}`);
      }
      this.nextRecord += 4 + linkBytes;
      this.recordsLeft--;
    }
    if (this.recordsLeft > 0 && this.nextRecord < end) {
      if (this.nextRecord + 4 > this.bytes) this.stopped = true;
      // A length field split across two chunks is read again at the start of the next one.
      else this.pos = this.nextRecord;
    } else {
      this.pos = end;
    }
  }

  info(): HnswFileInfo {
    if (this.recordsLeft > 0) throw new Unsound(`truncated: ${this.recordsLeft} of ${this.header.elements} link records missing`);
    if (this.nextRecord !== this.bytes) throw new Unsound(`${this.bytes - this.nextRecord} unexpected bytes after the last record`);
    return { bytes: this.bytes, crc32: this.crc >>> 0, elements: this.header.elements };
  }
}

function scanner(head: Buffer, dim: number, bytes: number): Scanner {
  const header = readHeader(head);
  const problem = headerProblem(header, dim, bytes);
  if (problem !== null) throw new Unsound(problem);
  return new Scanner(header, bytes);
}

/**
 * Checks `file` as an index of `dim`-dimensional vectors and names the first problem
 * found. I/O failures (missing file, no permission) are thrown as they are.
 */
export function scanHnswFile(file: string, dim: number): HnswFileScan {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const bytes = fs.fstatSync(fd).size;
      if (bytes < HEADER_BYTES) throw new Unsound(`only ${bytes} bytes`);
      const buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, bytes));
      readFully(fd, buf, HEADER_BYTES, 0);
      const walk = scanner(buf, dim, bytes);
      for (let span = walk.next(); span; span = walk.next()) {
        readFully(fd, buf, span.length, span.position);
        walk.feed(buf, span.length);
      }
      return { ok: true, info: walk.info() };
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    if (err instanceof Unsound) return { ok: false, why: err.why };
    throw err;
  }
}

/**
 * The same check as scanHnswFile, reading the file chunk by chunk without blocking
 * the event loop in between (checking a large index takes a while), so a process can
 * answer queries while it checks the index it is about to load.
 */
export async function scanHnswFileAsync(file: string, dim: number): Promise<HnswFileScan> {
  try {
    const handle = await fs.promises.open(file, 'r');
    try {
      const bytes = (await handle.stat()).size;
      if (bytes < HEADER_BYTES) throw new Unsound(`only ${bytes} bytes`);
      const buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, bytes));
      const read = async (length: number, position: number): Promise<void> => {
        for (let done = 0; done < length;) {
          const { bytesRead } = await handle.read(buf, done, length - done, position + done);
          if (bytesRead === 0) throw new Unsound('file ended while reading');
          done += bytesRead;
        }
      };
      await read(HEADER_BYTES, 0);
      const walk = scanner(buf, dim, bytes);
      for (let span = walk.next(); span; span = walk.next()) {
        await read(span.length, span.position);
        walk.feed(buf, span.length);
      }
      return { ok: true, info: walk.info() };
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof Unsound) return { ok: false, why: err.why };
    throw err;
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
