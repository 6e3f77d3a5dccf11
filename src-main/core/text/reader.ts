import { Image } from 'paddleocr';
import { InputError } from '../errors.ts';
import { weightsFingerprint } from '../models/identity.ts';
import { unloadableModel } from '../models/model-file-problem.ts';
import * as ort from '../models/onnxruntime.ts';
import { TextDetector } from './detector.ts';
import { loadDictionary } from './dictionary.ts';
import { quadSides, type PixelQuad } from './geometry.ts';
import { MIN_CONFIDENCE, MIN_HEIGHT_PX, cleanText, isRealText } from './line-filter.ts';
import { cropLines, flipPlan, lineTurn } from './line-orientation.ts';
import { LineRecogniser, type ReadLine } from './line-recogniser.ts';
import { arrangeLines } from './reading-order.ts';
import type { TextModelFiles } from './text-model.ts';
import type { Quad, RgbImage, TextLine, TextReading } from './types.ts';

/**
 * Bumped when the reading changes (detection sizes, orientation, filtering): it is part
 * of the model id, so photos read by an older reader are read again.
 */
const READER_VERSION = 1;

/** The long side the reader expects its input at, px: text needs far more pixels than CLIP's 224. */
export const OCR_INPUT_SIDE = 1280;
/** The long side of the early-exit pass, px: a quarter of the full pass's cost or less (the detector's cost grows with pixels). */
export const PROBE_SIDE = 480;

export interface TextReaderOptions {
  /**
   * ONNX intra-op threads per inference. Default 1: measured on 2 cores, a second thread
   * does not make a text-heavy photo faster (the recogniser's runs are small), and the
   * text stage's next decode uses the other core meanwhile.
   */
  intraOpThreads?: number;
  /** Long side of the full detection pass, px. Default 960 (PaddleOCR's limit_side_len). */
  detectSide?: number;
  /** Long side of the early-exit pass, px; 0 reads every photo in full. Default PROBE_SIDE. */
  probeSide?: number;
}

interface Sessions {
  detector: TextDetector;
  lines: LineRecogniser;
  all: ort.InferenceSession[];
}

/** Lines read per photo at most (the first the detector finds, top to bottom): a page of fine print must not cost minutes. */
const MAX_LINES = 400;

/**
 * Reads the text in photos with a PaddleOCR model (detector, angle classifier,
 * recogniser) on onnxruntime-node. Sessions open on the first read and close with
 * dispose(); the next read opens them again.
 */
export class TextReader {
  private sessions: Promise<Sessions> | null = null;

  private constructor(
    /** `<manifest id>-r<reader version>-<12 hex of the weights and dictionary>`: stored with every photo's text. */
    readonly modelId: string,
    readonly files: TextModelFiles,
    private readonly dictionary: readonly string[],
    private readonly opts: Required<TextReaderOptions>,
  ) {}

  /**
   * Prepares a reader for `files` without loading the models yet. Throws ModelError when a
   * file cannot be read.
   */
  static async open(files: TextModelFiles, opts: TextReaderOptions = {}): Promise<TextReader> {
    const dictionary = loadDictionary(files.dictionary, files.dir);
    const fingerprint = await weightsFingerprint([files.detector, files.recogniser, files.classifier, files.dictionary], files.dir);
    return new TextReader(`${files.entryId}-r${READER_VERSION}-${fingerprint}`, files, dictionary, {
      intraOpThreads: opts.intraOpThreads ?? 1,
      detectSide: opts.detectSide ?? 960,
      probeSide: opts.probeSide ?? PROBE_SIDE,
    });
  }

  private async load(): Promise<Sessions> {
    const { files } = this;
    const threads = this.opts.intraOpThreads;
    const opened = await Promise.allSettled([files.detector, files.classifier, files.recogniser].map((file) => openOcrSession(file, files.dir, threads)));
    const sessions = opened.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = opened.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(sessions.map((s) => s.release()));
      throw failed.reason;
    }
    const [det, cls, rec] = sessions;
    return {
      detector: new TextDetector(det, { detectSide: this.opts.detectSide, probeSide: this.opts.probeSide }),
      lines: new LineRecogniser({ session: rec, file: files.recogniser }, { session: cls, file: files.classifier }, this.dictionary, files.dir),
      all: sessions,
    };
  }

  /** Loads the models now, so that a missing or broken model file is reported before any photo is read. Throws ModelError. */
  async ready(): Promise<void> {
    await this.open();
  }

  private open(): Promise<Sessions> {
    if (!this.sessions) {
      this.sessions = this.load();
      this.sessions.catch(() => (this.sessions = null));
    }
    return this.sessions;
  }

  /**
   * The early exit on its own: whether a detector pass at `probeSide` px finds anything
   * shaped like text. `image` may be decoded at just that size (a cheaper decode than the
   * full reading's); larger images are shrunk. Measured on rendered text: type of 16 px or
   * larger on a 1280 px photo (1.25% of its long side) is always seen; smaller type alone
   * in a photo may be missed (about half of it at 13-15 px), which readText with
   * `probe: false` would read.
   */
  async mayHoldText(image: RgbImage): Promise<boolean> {
    const { detector } = await this.open();
    return detector.mayHoldText(toImage(image));
  }

  /**
   * Reads the text in one photo. `image` is the photo as displayed (EXIF-oriented), 8-bit
   * RGB, ideally with its long side at OCR_INPUT_SIDE (960..1280 px). Returns the lines
   * that are real text (see line-filter.ts) in reading order, each with its confidence
   * (0..1) and its outline in normalised photo coordinates. Unless `probe` is false
   * (the caller asked mayHoldText already), a photo without text costs one detector pass
   * at `probeSide` px. Throws InputError for malformed pixels and ModelError when a model
   * fails to run.
   */
  async readText(image: RgbImage, opts: { probe?: boolean } = {}): Promise<TextReading> {
    const source = toImage(image);
    const { width, height } = source;
    const { detector, lines } = await this.open();
    if (opts.probe !== false && !(await detector.mayHoldText(source))) return { modelId: this.modelId, lines: [] };
    const quads = (await detector.detect(source)).slice(0, MAX_LINES);
    if (quads.length === 0) return { modelId: this.modelId, lines: [] };

    const crops = cropLines(source, quads);
    const plan = flipPlan(crops, await lines.upsideDown(crops.map((c) => c.crop)));
    const inputs = crops.flatMap((c, i) => (plan[i] === 'both' ? [c.crop, c.crop.rotate180()] : [plan[i] === 'flip' ? c.crop.rotate180() : c.crop]));
    const read = await lines.read(inputs);
    let next = 0;
    const found = crops.map((c, i) => {
      let reading: ReadLine = read[next++];
      let flipped = plan[i] === 'flip';
      if (plan[i] === 'both') {
        const other = read[next++];
        if (other.confidence > reading.confidence) {
          reading = other;
          flipped = true;
        }
      }
      const { along, across } = quadSides(c.quad);
      return {
        quad: c.quad,
        turn: lineTurn(c.turned, flipped),
        heightPx: Math.min(along, across),
        text: cleanText(reading.text),
        confidence: reading.confidence,
      };
    });
    const legible = found.filter((line) => line.confidence >= MIN_CONFIDENCE && line.heightPx >= MIN_HEIGHT_PX);
    const real = arrangeLines(legible, width, height).filter(isRealText);
    return {
      modelId: this.modelId,
      lines: real.map((line): TextLine => ({ text: line.text, confidence: line.confidence, box: normalised(line.quad, width, height) })),
    };
  }

  /** Releases the ONNX sessions; a later read loads them again. */
  async dispose(): Promise<void> {
    const pending = this.sessions;
    this.sessions = null;
    if (!pending) return;
    const sessions = await pending.catch(() => null);
    await Promise.all(sessions?.all.map((s) => s.release()) ?? []);
  }
}

/**
 * An ONNX session as models/session.ts opens them, but without onnxruntime's memory
 * patterns: those plan and keep one block per input shape, and OCR inputs change shape
 * with every photo and line. Measured with PP-OCRv4's detector: four photo shapes grew
 * the process by 240 MB with patterns and by 135 MB without, at the same speed.
 */
async function openOcrSession(file: string, dir: string, threads: number): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(file, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      enableMemPattern: false,
    });
  } catch (err) {
    throw unloadableModel(file, dir, err);
  }
}

function toImage({ data, width, height }: RgbImage): Image {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || data.length !== width * height * 3) {
    throw new InputError(
      `${width}x${height}`,
      `The OCR reader takes 8-bit RGB pixels: ${data.length} bytes given for ${width}x${height} (${width * height * 3} expected)`,
    );
  }
  return new Image(width, height, 3, data);
}

function normalised(q: PixelQuad, width: number, height: number): Quad {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return q.map((p) => ({ x: clamp(p.x / width), y: clamp(p.y / height) })) as Quad;
}
