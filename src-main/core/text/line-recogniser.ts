import * as ort from '../models/onnxruntime.ts';
import type { Image } from 'paddleocr';
import { ModelError, errorMessage } from '../errors.ts';
import { decodeCtc } from './ctc.ts';

/** Recogniser input height (PaddleOCR rec_image_shape 3,48,320). */
const REC_HEIGHT = 48;
/**
 * One line per recogniser run, each at its own width. PaddleOCR pads a batch of six to the
 * widest line and to at least 320 px, which suits a GPU; on the CPU, measured here with
 * PP-OCRv4, a line of 128 px costs half of one padded to 320 and a batch of six costs more
 * per line than six single runs, with the same readings on the test set.
 */
const REC_MIN_WIDTH = REC_HEIGHT;
/** Angle classifier input (PaddleOCR cls_image_shape 3,48,192) and batch (cls_batch_num). */
const CLS_HEIGHT = 48;
const CLS_WIDTH = 192;
const CLS_BATCH = 6;

export interface ReadLine {
  text: string;
  /** 0..1, the mean probability of the line's characters. */
  confidence: number;
}

/**
 * Writes `crop`, resized to `height` px high (aspect kept, at most `maxWidth` wide), into
 * `out` at `offset` as a CHW slice `width` wide: BGR, scaled to -1..1 ((v / 255 - 0.5) / 0.5),
 * the rest of each row left at 0. This is PaddleOCR's resize_norm_img for both the
 * recogniser and the angle classifier.
 */
function writeNormalised(crop: Image, height: number, width: number, maxWidth: number, out: Float32Array, offset: number): void {
  const resizedWidth = Math.max(1, Math.min(maxWidth, Math.ceil((height * crop.width) / crop.height)));
  const resized = crop.resize({ width: resizedWidth, height });
  const plane = height * width;
  const src = resized.data;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < resizedWidth; x++) {
      const s = (y * resizedWidth + x) * 3;
      const d = offset + y * width + x;
      out[d] = src[s + 2] / 127.5 - 1;
      out[d + plane] = src[s + 1] / 127.5 - 1;
      out[d + 2 * plane] = src[s] / 127.5 - 1;
    }
  }
}

/** Width over height of a crop. */
const ratio = (crop: Image): number => crop.width / Math.max(1, crop.height);

/** PaddleOCR's text-line angle classifier (0 / 180 degrees, in batches) and CTC recogniser (one line at a time). */
export class LineRecogniser {
  constructor(
    private readonly recogniser: { session: ort.InferenceSession; file: string },
    private readonly classifier: { session: ort.InferenceSession; file: string },
    private readonly dictionary: readonly string[],
    private readonly modelDir: string,
  ) {}

  private async run(which: 'recogniser' | 'classifier', data: Float32Array, dims: number[]): Promise<ort.Tensor> {
    const { session, file } = this[which];
    try {
      const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, dims) });
      return out[session.outputNames[0]];
    } catch (err) {
      throw new ModelError('model-invalid', this.modelDir, `${file} failed to run: ${errorMessage(err)}`, { cause: err });
    }
  }

  /** The classifier's probability that each crop is upside down, in the order given. */
  async upsideDown(crops: readonly Image[]): Promise<Float32Array> {
    const result = new Float32Array(crops.length);
    const size = 3 * CLS_HEIGHT * CLS_WIDTH;
    for (let start = 0; start < crops.length; start += CLS_BATCH) {
      const batch = crops.slice(start, start + CLS_BATCH);
      const input = new Float32Array(batch.length * size);
      batch.forEach((crop, i) => writeNormalised(crop, CLS_HEIGHT, CLS_WIDTH, CLS_WIDTH, input, i * size));
      const out = await this.run('classifier', input, [batch.length, 3, CLS_HEIGHT, CLS_WIDTH]);
      const probs = out.data as Float32Array;
      if (out.dims.length !== 2 || out.dims[1] !== 2) {
        throw new ModelError(
          'model-invalid',
          this.modelDir,
          `${this.classifier.file}: output is [${out.dims.join(', ')}], expected [batch, 2] (0 and 180 degrees)`,
        );
      }
      for (let i = 0; i < batch.length; i++) result[start + i] = probs[i * 2 + 1];
    }
    return result;
  }

  /** Reads each crop (upright, one line of text) into text and confidence, in the order given. */
  async read(crops: readonly Image[]): Promise<ReadLine[]> {
    const result: ReadLine[] = [];
    for (const crop of crops) {
      const width = Math.max(REC_MIN_WIDTH, Math.ceil(REC_HEIGHT * ratio(crop)));
      const input = new Float32Array(3 * REC_HEIGHT * width);
      writeNormalised(crop, REC_HEIGHT, width, width, input, 0);
      const out = await this.run('recogniser', input, [1, 3, REC_HEIGHT, width]);
      const [, steps, classes] = out.dims;
      if (out.dims.length !== 3 || classes !== this.dictionary.length + 1) {
        throw new ModelError(
          'model-invalid',
          this.modelDir,
          `${this.recogniser.file}: output is [${out.dims.join(', ')}], expected [batch, steps, ${this.dictionary.length + 1}] for a dictionary of ` +
            `${this.dictionary.length - 1} characters plus space and blank; the dictionary does not belong to this recogniser.`,
        );
      }
      result.push(decodeCtc(out.data as Float32Array, 0, steps, classes, this.dictionary));
    }
    return result;
  }
}
