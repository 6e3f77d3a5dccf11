import { asMediaError, openImage, type DecodeLimits, type FileFacts, type PhotoMeta } from '../media/decode.ts';
import type { ContentIdentity } from '../media/identity.ts';
import { pixelValues } from '../models/preprocess.ts';
import type { PreprocessSpec } from '../models/types.ts';

/** What a decode learned about the photo, beyond its pixels: the file as it was read, and the hashes of the bytes decoded. */
export interface DecodedMeta extends PhotoMeta {
  facts: FileFacts;
  identity: ContentIdentity;
}

/**
 * Decodes a photo (a path key) straight to the model's input tensor, [3, H, W]
 * float32. The file facts and content hashes come from the very bytes decoded, so
 * what the library stores with the embedding describes what was embedded even when
 * the file changed since the scan. sharp decodes lazily, so a truncated file may
 * only fail while resizing: any failure here is reported as a MediaError naming
 * the file.
 */
export async function decodeForModel(file: string, spec: PreprocessSpec, limits?: DecodeLimits): Promise<{ meta: DecodedMeta; pixels: Float32Array }> {
  const opened = await openImage(file, limits, { identify: true });
  try {
    const pixels = await pixelValues(opened.image, spec, opened.meta);
    return { meta: { ...opened.meta, facts: opened.facts, identity: opened.identity! }, pixels };
  } catch (err) {
    throw asMediaError(file, err);
  }
}
