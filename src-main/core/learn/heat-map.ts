import sharp from 'sharp';
import { InputError } from '../errors.ts';
import { asMediaError, decodeToRaw, openImage, type DecodeLimits } from '../media/decode.ts';
import { pixelValuesFromRgb } from '../models/preprocess.ts';
import type { ClipModel, PreprocessSpec } from '../models/types.ts';
import { dot } from '../vectors/math.ts';
import type { HeatMap } from '../api/contract.ts';

/**
 * "Show where": which regions of a photo match a query, for any model. The photo is
 * cut into overlapping square windows, every window is embedded by the model's image
 * encoder as a photo of its own, and each cell of a grid over the photo gets the
 * mean cosine with the query of the windows that cover it (occlusion-free sliding
 * windows, the simplest model-agnostic localisation: the model sees each region alone,
 * so no access to its internals is needed). Cells are then scaled to 0..1 between the
 * worst and the best cell.
 *
 * Windows are WINDOW of the short side, placed every STRIDE of it (half a window, so
 * each cell is covered by up to four windows), and the grid's cells are one stride
 * wide. A 4:3 photo takes 24 windows and gets a 7 x 5 grid.
 */
export const WINDOW = 0.4;
export const STRIDE = 0.2;
/** At most this many windows, whatever the aspect ratio: a panorama gets wider steps. */
export const MAX_WINDOWS = 32;

export type { HeatMap };

export interface Window {
  left: number;
  top: number;
  side: number;
}

/** Evenly spaced starts of `count` windows of `side` over `length`, first at 0 and last at the far end. */
function starts(length: number, side: number, count: number): number[] {
  if (count <= 1) return [Math.max(0, (length - side) / 2)];
  return Array.from({ length: count }, (_, i) => ((length - side) * i) / (count - 1));
}

/** The windows over a `width x height` image and the grid they fill (see the module comment). */
export function windowLayout(width: number, height: number): { windows: Window[]; columns: number; rows: number } {
  const short = Math.min(width, height);
  const side = WINDOW * short;
  const stride = STRIDE * short;
  let across = Math.round((width - side) / stride) + 1;
  let down = Math.round((height - side) / stride) + 1;
  while (across * down > MAX_WINDOWS) {
    if (across >= down) across--;
    else down--;
  }
  const windows: Window[] = [];
  for (const top of starts(height, side, down)) for (const left of starts(width, side, across)) windows.push({ left, top, side });
  return { windows, columns: Math.max(1, Math.round(width / stride)), rows: Math.max(1, Math.round(height / stride)) };
}

const KERNEL = { bicubic: 'cubic', bilinear: 'linear', nearest: 'nearest' } as const;

/** The size a square window is resized to before the model's own crop (preprocess.ts): what its processor would make of a square photo. */
function squareInput(spec: PreprocessSpec): { width: number; height: number } {
  return spec.mode === 'square' ? { width: spec.width, height: spec.height } : { width: spec.resizeShortest, height: spec.resizeShortest };
}

async function windowTensors(rgb: Buffer, width: number, height: number, windows: readonly Window[], spec: PreprocessSpec): Promise<Float32Array> {
  const size = squareInput(spec);
  const plane = 3 * spec.width * spec.height;
  const out = new Float32Array(windows.length * plane);
  await Promise.all(
    windows.map(async (w, i) => {
      const left = Math.round(w.left);
      const top = Math.round(w.top);
      const side = Math.max(1, Math.min(Math.round(w.side), width - left, height - top));
      const { data, info } = await sharp(rgb, { raw: { width, height, channels: 3 } })
        .extract({ left, top, width: side, height: side })
        .resize(size.width, size.height, { fit: 'fill', kernel: KERNEL[spec.resample] })
        .raw()
        .toBuffer({ resolveWithObject: true });
      out.set(pixelValuesFromRgb(data, info.width, info.height, spec), i * plane);
    }),
  );
  return out;
}

/**
 * The heat map of `query` over the photo at `file` (a path key).
 * @param query `[D]` L2-normalised: a text embedding, or an example photo's embedding, of `model`
 * @throws MediaError when the photo cannot be decoded; InputError for a query of another dimension
 */
export async function heatMap(file: string, query: Float32Array, model: ClipModel, limits?: DecodeLimits): Promise<HeatMap> {
  if (query.length !== model.dim) throw new InputError(`${query.length} values`, `The query must be an embedding of ${model.name} (${model.dim} values).`);
  const opened = await openImage(file, limits);
  const shown = { width: opened.meta.width, height: opened.meta.height };
  // Decoded so that the smallest window still has the model's input size: no window is enlarged.
  const input = squareInput(model.preprocess);
  const scale = Math.min(1, Math.max(input.width, input.height) / (WINDOW * Math.min(shown.width, shown.height)));
  const target = { width: Math.max(1, Math.round(shown.width * scale)), height: Math.max(1, Math.round(shown.height * scale)) };
  const { data, info } = await decodeToRaw(opened, (image) => image.resize(target.width, target.height, { fit: 'fill' }));
  const { windows, columns, rows } = windowLayout(info.width, info.height);
  let tensors: Float32Array;
  try {
    tensors = await windowTensors(data, info.width, info.height, windows, model.preprocess);
  } catch (err) {
    throw asMediaError(file, err);
  }
  const embeddings = await model.encodeImages(tensors, windows.length);
  const scores = embeddings.map((e) => dot(query, e));
  return { ...combine(windows, scores, info.width, info.height, columns, rows), windows: windows.length, width: shown.width, height: shown.height };
}

/** Cells as the mean score of the windows covering their centre, scaled to 0..1 (see the module comment). */
export function combine(
  windows: readonly Window[],
  scores: readonly number[],
  width: number,
  height: number,
  columns: number,
  rows: number,
): Pick<HeatMap, 'columns' | 'rows' | 'values' | 'best' | 'worst'> {
  const raw = new Array<number>(columns * rows).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const x = ((c + 0.5) * width) / columns;
      const y = ((r + 0.5) * height) / rows;
      let sum = 0;
      let n = 0;
      windows.forEach((w, i) => {
        if (x >= w.left && x <= w.left + w.side && y >= w.top && y <= w.top + w.side) {
          sum += scores[i];
          n++;
        }
      });
      raw[r * columns + c] = n > 0 ? sum / n : Number.NaN;
    }
  }
  const known = raw.filter((v) => !Number.isNaN(v));
  const low = Math.min(...known);
  const high = Math.max(...known);
  const span = high - low;
  const values = raw.map((v) => (Number.isNaN(v) || !(span > 1e-6) ? 0 : (v - low) / span));
  return { columns, rows, values, best: Math.max(...scores), worst: Math.min(...scores) };
}

/**
 * The same grid from boxes already known to hold the query, such as the outlines of
 * the recognised lines of text that matched (0..1 of the photo as displayed, as
 * store/photo-text.ts keeps them): 1 in cells a box covers, 0 elsewhere.
 * @param boxes outlines as [x0, y0, x1, y1, x2, y2, x3, y3], 0..1
 */
export function heatMapFromBoxes(boxes: ReadonlyArray<readonly number[]>, width: number, height: number): Pick<HeatMap, 'columns' | 'rows' | 'values'> {
  const { columns, rows } = windowLayout(width, height);
  const values = new Array<number>(columns * rows).fill(0);
  for (const box of boxes) {
    const xs = box.filter((_, i) => i % 2 === 0);
    const ys = box.filter((_, i) => i % 2 === 1);
    const c0 = Math.max(0, Math.floor(Math.min(...xs) * columns));
    const c1 = Math.min(columns - 1, Math.ceil(Math.max(...xs) * columns) - 1);
    const r0 = Math.max(0, Math.floor(Math.min(...ys) * rows));
    const r1 = Math.min(rows - 1, Math.ceil(Math.max(...ys) * rows) - 1);
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) values[r * columns + c] = 1;
  }
  return { columns, rows, values };
}
