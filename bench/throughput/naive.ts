import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { pixelValuesFromRgb } from '../../src-main/core/models/preprocess.ts';
import type { ClipModel } from '../../src-main/core/models/types.ts';

const KERNEL = { bicubic: 'cubic', bilinear: 'linear', nearest: 'nearest' } as const;

/**
 * What a first implementation does: one photo at a time, decoded at full size,
 * resized from the full-size pixels, embedded alone. Photos per second.
 */
export async function naiveBaseline(files: readonly string[], model: ClipModel): Promise<number> {
  const spec = model.preprocess;
  const started = performance.now();
  for (const file of files) {
    const full = await sharp(await readFile(file))
      .rotate()
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { width, height, channels } = full.info;
    const sized = await sharp(full.data, { raw: { width, height, channels } })
      .resize({ width: spec.resizeShortest, height: spec.resizeShortest, fit: 'outside', kernel: KERNEL[spec.resample] })
      .raw()
      .toBuffer({ resolveWithObject: true });
    await model.encodeImages(pixelValuesFromRgb(sized.data, sized.info.width, sized.info.height, spec), 1);
  }
  return files.length / ((performance.now() - started) / 1000);
}
