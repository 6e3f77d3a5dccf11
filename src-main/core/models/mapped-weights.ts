import fs from 'node:fs';
import path from 'node:path';
import type * as ort from 'onnxruntime-node';

/**
 * A model handed to onnxruntime as its graph alone, with the weights left in the model
 * file: onnxruntime reads them as external data (ONNX spec, TensorProto.external_data)
 * from `folder`, the model file's own folder.
 */
export interface MappedModel {
  /** The ModelProto bytes without the large raw_data payloads (tens of kilobytes for a CLIP tower). */
  graph: Uint8Array;
  /** The folder external data locations are relative to (onnxruntime's session.model_external_initializers_file_folder_path). */
  folder: string;
}

/** Initializers whose raw data is at least this many bytes are left in the file; smaller ones (biases, norms) stay inline. */
export const MAPPED_MIN_BYTES = 64 * 1024;

// Field numbers and wire types from onnx/onnx.proto and the protobuf encoding spec (protobuf.dev/programming-guides/encoding).
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_RAW_DATA = 9;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const DATA_LOCATION_EXTERNAL = 1;
const VARINT = 0;
const FIXED64 = 1;
const BYTES = 2;
const FIXED32 = 5;

/** The file does not have the shape this rewrite handles; the caller loads the file as it is and onnxruntime judges it. */
class NotRewritable extends Error {}

interface Field {
  number: number;
  wire: number;
  /** Offset of the field's tag. */
  start: number;
  /** Offset of the payload: the value of a varint, the bytes after the length of a length-delimited field. */
  body: number;
  end: number;
  /** The value of a varint field. */
  value: number;
}

/** Reads a file by offset through a small window, so that walking the message structure never reads the weights. */
class FileWindow {
  private windowStart = 0;
  private window: Buffer = Buffer.alloc(0);

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  byte(pos: number): number {
    if (pos < this.windowStart || pos >= this.windowStart + this.window.length) {
      if (pos >= this.size) throw new NotRewritable('field runs past the end of the file');
      this.window = this.read(pos, Math.min(4096, this.size - pos));
      this.windowStart = pos;
    }
    return this.window[pos - this.windowStart];
  }

  read(pos: number, length: number): Buffer {
    if (pos + length > this.size) throw new NotRewritable('field runs past the end of the file');
    const out = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, out, done, length - done, pos + done);
      if (n === 0) throw new NotRewritable('file ended early');
      done += n;
    }
    return out;
  }

  varint(pos: number): { value: number; next: number } {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte(pos + i);
      value += (b & 0x7f) * scale;
      if (b < 0x80) return { value, next: pos + i + 1 };
      scale *= 128;
    }
    throw new NotRewritable('malformed varint');
  }

  *fields(start: number, end: number): Generator<Field> {
    let pos = start;
    while (pos < end) {
      const tag = this.varint(pos);
      const number = Math.floor(tag.value / 8);
      const wire = tag.value % 8;
      let body = tag.next;
      let next: number;
      let value = 0;
      if (wire === VARINT) {
        const v = this.varint(body);
        value = v.value;
        next = v.next;
      } else if (wire === FIXED64) next = body + 8;
      else if (wire === FIXED32) next = body + 4;
      else if (wire === BYTES) {
        const length = this.varint(body);
        body = length.next;
        next = body + length.value;
      } else throw new NotRewritable(`wire type ${wire}`);
      if (next > end) throw new NotRewritable('field runs past its message');
      yield { number, wire, start: pos, body, end: next, value };
      pos = next;
    }
  }
}

function varintBytes(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

function lengthDelimited(number: number, parts: readonly Uint8Array[]): Uint8Array[] {
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  return [Uint8Array.from([...varintBytes(number * 8 + BYTES), ...varintBytes(length)]), ...parts];
}

function stringEntry(key: string, value: string): Uint8Array[] {
  const encoder = new TextEncoder();
  return lengthDelimited(TENSOR_EXTERNAL_DATA, [...lengthDelimited(1, [encoder.encode(key)]), ...lengthDelimited(2, [encoder.encode(value)])]);
}

/** An initializer, its large raw data replaced by a reference into the file; `mapped` tells whether it had such data. */
function tensor(file: FileWindow, field: Field, location: string): { parts: Uint8Array[]; mapped: boolean } {
  const parts: Uint8Array[] = [];
  let external: { offset: number; length: number } | null = null;
  for (const f of file.fields(field.body, field.end)) {
    if (f.number === TENSOR_DATA_LOCATION && f.wire === VARINT && f.value === DATA_LOCATION_EXTERNAL) throw new NotRewritable('already external');
    if (f.number === TENSOR_RAW_DATA && f.wire === BYTES && f.end - f.body >= MAPPED_MIN_BYTES) external = { offset: f.body, length: f.end - f.body };
    else parts.push(file.read(f.start, f.end - f.start));
  }
  if (external) {
    parts.push(
      ...stringEntry('location', location),
      ...stringEntry('offset', String(external.offset)),
      ...stringEntry('length', String(external.length)),
      Uint8Array.from([...varintBytes(TENSOR_DATA_LOCATION * 8 + VARINT), DATA_LOCATION_EXTERNAL]),
    );
  }
  return { parts: lengthDelimited(GRAPH_INITIALIZER, parts), mapped: external !== null };
}

/**
 * The graph of the ONNX model in `file`, with the raw data of every initializer of at
 * least MAPPED_MIN_BYTES bytes replaced by an external-data reference to where that data
 * already sits in `file` (location, offset, length). onnxruntime memory-maps external
 * data, so the weights are read from the page cache instead of being parsed into a
 * protobuf and copied into tensors: opening the ViT-B/32-shaped text tower (254 MB)
 * peaks at 268 MB of resident memory this way against 458 MB from the file's path,
 * with the same outputs. The file is read only where the message structure is (a few
 * kilobytes per initializer) and nothing is written.
 *
 * Null when the file has no initializer that large, already keeps its weights outside,
 * or is not a protobuf this walk understands: the caller then opens the file as it is
 * and onnxruntime reports what is wrong with it.
 * @throws NodeJS.ErrnoException when the file cannot be opened or read
 */
export function mappedModel(file: string): MappedModel | null {
  // The reference names the file's real place: onnxruntime refuses external data outside the folder it is given, and a
  // model file may be a link into another folder (the Hugging Face cache keeps snapshots/<rev>/onnx/*.onnx as links to blobs/).
  const real = fs.realpathSync(file);
  const fd = fs.openSync(real, 'r');
  try {
    const window = new FileWindow(fd, fs.fstatSync(fd).size);
    const location = path.basename(real);
    const parts: Uint8Array[] = [];
    let mapped = false;
    for (const f of window.fields(0, window.size)) {
      if (f.number !== MODEL_GRAPH || f.wire !== BYTES) {
        parts.push(window.read(f.start, f.end - f.start));
        continue;
      }
      const graph: Uint8Array[] = [];
      for (const g of window.fields(f.body, f.end)) {
        if (g.number === GRAPH_INITIALIZER && g.wire === BYTES && g.end - g.body >= MAPPED_MIN_BYTES) {
          const t = tensor(window, g, location);
          graph.push(...t.parts);
          mapped ||= t.mapped;
        } else graph.push(window.read(g.start, g.end - g.start));
      }
      parts.push(...lengthDelimited(MODEL_GRAPH, graph));
    }
    return mapped ? { graph: Buffer.concat(parts), folder: path.dirname(real) } : null;
  } catch (err) {
    if (err instanceof NotRewritable) return null;
    throw err;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * What to hand onnxruntime for `file`: its graph with the weights left in the file
 * (mappedModel), and the options that tell onnxruntime where to read them; or the
 * file's path when it cannot be handled that way, so that onnxruntime reads it and
 * reports its problems itself.
 */
export function sessionSource(
  file: string,
  options: ort.InferenceSession.SessionOptions,
): { model: string | Uint8Array; options: ort.InferenceSession.SessionOptions } {
  let mapped: MappedModel | null = null;
  try {
    mapped = mappedModel(file);
  } catch {
    // Unreadable: onnxruntime, given the path, says so in its own words.
  }
  if (!mapped) return { model: file, options };
  const extra = (options.extra ?? {}) as { session?: Record<string, unknown> };
  return {
    model: mapped.graph,
    options: { ...options, extra: { ...extra, session: { ...extra.session, model_external_initializers_file_folder_path: mapped.folder } } },
  };
}

/** The external data file ONNX exporters write beside a large model (`model.onnx` -> `model.onnx_data`), whether or not it exists. */
export function externalDataOf(file: string): string {
  return `${file}_data`;
}

/**
 * What identifies the bytes a session was opened from: device, inode, size and
 * modification time of the model file and of its external data file if it has one, each
 * at its real place. Copying a new version over a file in place keeps its inode but
 * changes its size or time; replacing it (a rename) changes the inode. A missing or
 * unreadable file gives a stamp of its own, so it never matches an open session.
 * Checked before every encoder run: a missing file costs one stat, no exception.
 */
export function weightsStamp(file: string): string {
  return [file, externalDataOf(file)]
    .map((f) => {
      try {
        const st = fs.statSync(f, { throwIfNoEntry: false });
        return st ? `${fs.realpathSync(f)}:${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}` : `${f}:missing`;
      } catch (err) {
        return `${f}:${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`;
      }
    })
    .join('|');
}
