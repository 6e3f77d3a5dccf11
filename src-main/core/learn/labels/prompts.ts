import type { ClipModel } from '../../models/types.ts';
import { l2normalize } from '../../vectors/math.ts';

/**
 * The prompt templates a name is put into before it is embedded: the 16 of CLIP's
 * 80 ImageNet templates (Radford et al. 2021, "Learning Transferable Visual Models
 * From Natural Language Supervision", section 3.1.4; the list is in the CLIP
 * repository's notebooks/Prompt_Engineering_for_ImageNet.ipynb) that describe a
 * photograph: its quality, lighting, framing, size and owner. The art and toy
 * renditions of the list (origami, plushie, tattoo, sculpture, drawing, video game,
 * ...) are left out: a personal photo library is photographs.
 */
export const PHOTO_TEMPLATES: readonly string[] = [
  'a photo of a {}.',
  'a bad photo of a {}.',
  'a good photo of a {}.',
  'a bright photo of a {}.',
  'a dark photo of a {}.',
  'a blurry photo of a {}.',
  'a close-up photo of a {}.',
  'a cropped photo of a {}.',
  'a low resolution photo of a {}.',
  'a jpeg corrupted photo of a {}.',
  'a pixelated photo of a {}.',
  'a black and white photo of a {}.',
  'a photo of the large {}.',
  'a photo of the small {}.',
  'a photo of my {}.',
  'itap of a {}.',
];

/** Changes whenever the templates do: stored with each label's vector, so a vector made from other prompts is made again. */
export const PROMPT_SET_VERSION = `clip-photo-16-v1`;

/** The prompts of one name: each template filled with it, then the name's own descriptions as written. */
export function promptsFor(name: string, descriptions: readonly string[] = [], templates: readonly string[] = PHOTO_TEMPLATES): string[] {
  return [...templates.map((t) => t.replaceAll('{}', name)), ...descriptions];
}

/**
 * The ensemble embedding of each name: the mean of its prompts' L2-normalised text
 * embeddings, normalised again (CLIP section 3.1.4: averaging in embedding space
 * costs one vector per class at classification time).
 * @param entries names with optional descriptions (CuPL-style sentences about the class, used as written)
 * @returns one `[D]` L2-normalised vector per entry, in order
 */
export async function embedEnsembles(
  model: ClipModel,
  entries: ReadonlyArray<{ name: string; descriptions?: readonly string[] }>,
  templates: readonly string[] = PHOTO_TEMPLATES,
): Promise<Float32Array[]> {
  const prompts = entries.map((e) => promptsFor(e.name, e.descriptions, templates));
  const flat = prompts.flat();
  const vectors = flat.length > 0 ? await model.encodeTexts(flat) : [];
  const out: Float32Array[] = [];
  let at = 0;
  for (const list of prompts) {
    const sum = new Float32Array(model.dim);
    for (let i = 0; i < list.length; i++) {
      const v = vectors[at++];
      for (let d = 0; d < sum.length; d++) sum[d] += v[d];
    }
    out.push(l2normalize(sum));
  }
  return out;
}
