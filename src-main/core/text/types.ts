import type { TextLine } from '../store/photo-text.ts';

export type { NormPoint, Quad, TextLine } from '../store/photo-text.ts';

/** What reading one photo gave: its lines in reading order of the upright text. */
export interface TextReading {
  /** The OCR model that read it (TextReader.modelId): text is read again when this changes. */
  modelId: string;
  lines: TextLine[];
}

/** Decoded pixels handed to the reader: 8-bit sRGB, 3 channels, rows top to bottom, EXIF orientation applied. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}
