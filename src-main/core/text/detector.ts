import * as ort from '../models/onnxruntime.ts';
import { DetectionService, Image, type DetectionRuntimeOptions, type OrtInferenceSession, type OrtModule } from 'paddleocr';
import sharp from 'sharp';
import { quadSides, type PixelQuad } from './geometry.ts';

/**
 * DB post-process settings of PaddleOCR's PP-OCRv4/v5 text detector (tools/infer/utility.py:
 * det_db_thresh 0.3, det_db_box_thresh 0.6, det_db_unclip_ratio 1.5, max_candidates 1000).
 * The models were trained on OpenCV's BGR images with ImageNet mean/std applied in that order.
 */
const DB_OPTIONS: Partial<DetectionRuntimeOptions> = {
  channelOrder: 'bgr',
  limitType: 'max',
  textPixelThreshold: 0.3,
  boxScoreThreshold: 0.6,
  unclipRatio: 1.5,
  maxCandidates: 1000,
};

export interface DetectorOptions {
  /** Long side of the full detection pass, px (PaddleOCR's limit_side_len, 960 by default). */
  detectSide: number;
  /** Long side of the early-exit pass, px; 0 turns the early exit off. */
  probeSide: number;
}

/** Box score a region of the early-exit pass needs to count as possible text: below the full pass's 0.6, as small text scores weakly when shrunk. */
const PROBE_BOX_SCORE = 0.5;

/** A squat blob this large (short side over this share of the image's short side) is a disc or a window, not a line of text. */
const BLOB_SIDE = 0.12;
/** Boxes at least this elongated are lines whatever their size. */
const LINE_RATIO = 1.3;

/**
 * Whether a detected outline can be text: lines are long and thin, and a single
 * character is small next to the photo. The DB detector also fires on round shapes
 * (a plate, a wheel, a clock face), which would cost a recogniser run to read as "O".
 */
function plausibleLine(q: PixelQuad, width: number, height: number): boolean {
  const { along, across } = quadSides(q);
  const long = Math.max(along, across);
  const short = Math.min(along, across);
  return long >= LINE_RATIO * short || short <= BLOB_SIDE * Math.min(width, height);
}

/** Downscales with sharp (an antialiasing kernel, off the JS thread) when the image is larger than `longSide`. */
async function shrink(image: Image, longSide: number): Promise<{ image: Image; scale: number }> {
  const scale = longSide / Math.max(image.width, image.height);
  if (scale >= 1) return { image, scale: 1 };
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  return { image: new Image(width, height, 3, new Uint8Array(data.buffer, data.byteOffset, data.length)), scale: width / image.width };
}

/** PaddleOCR's DB text detector over paddleocr.js's pre- and post-processing. */
export class TextDetector {
  private readonly service: DetectionService;

  constructor(
    session: ort.InferenceSession,
    private readonly opts: DetectorOptions,
  ) {
    this.service = new DetectionService(ort as unknown as OrtModule, session as unknown as OrtInferenceSession, DB_OPTIONS);
  }

  /**
   * The early exit: one detector pass at `probeSide` px that only asks whether anything
   * could be text. A photo without text stops here, at a fraction of a full pass's cost
   * (the detector's cost grows with the pixel count).
   */
  async mayHoldText(image: Image): Promise<boolean> {
    if (this.opts.probeSide <= 0) return true;
    const { image: small } = await shrink(image, this.opts.probeSide);
    const boxes = await this.service.run(small, { maxSideLength: this.opts.probeSide, boxScoreThreshold: PROBE_BOX_SCORE });
    return boxes.some((box) => box.points && plausibleLine(box.points, small.width, small.height));
  }

  /** Text line outlines in `image`'s pixels, from a pass at `detectSide` px. */
  async detect(image: Image): Promise<PixelQuad[]> {
    const { image: input, scale } = await shrink(image, this.opts.detectSide);
    const boxes = await this.service.run(input, { maxSideLength: this.opts.detectSide });
    return boxes.flatMap((box) =>
      box.points && plausibleLine(box.points, input.width, input.height) ? [box.points.map((p) => ({ x: p.x / scale, y: p.y / scale })) as PixelQuad] : [],
    );
  }
}
