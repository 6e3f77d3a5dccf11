import { asMediaError, openImage, type DecodeLimits, type PhotoMeta } from '../media/decode.ts';
import { pixelValues } from '../models/preprocess.ts';
import type { PreprocessSpec } from '../models/types.ts';

/**
 * Decodes a photo straight to the model's input tensor. sharp decodes lazily, so
 * a truncated file may only fail while resizing: any failure here is reported as
 * a MediaError naming the file.
 */
export async function decodeForModel(file: string, spec: PreprocessSpec, limits?: DecodeLimits): Promise<{ meta: PhotoMeta; pixels: Float32Array }> {
  const opened = await openImage(file, limits);
  try {
    return { meta: opened.meta, pixels: await pixelValues(opened.image, spec, opened.meta) };
  } catch (err) {
    throw asMediaError(file, err);
  }
}
