import { describe, expect, it } from 'vitest';
import { embedEnsembles, PHOTO_TEMPLATES, promptsFor } from '../../../src-main/core/learn/labels/prompts.ts';
import { BUILTIN_LABELS, labelKey } from '../../../src-main/core/learn/labels/vocabulary.ts';
import type { ClipModel } from '../../../src-main/core/models/types.ts';

/** CLIP's 80 ImageNet prompt templates (openai/CLIP, notebooks/Prompt_Engineering_for_ImageNet.ipynb). */
const CLIP_IMAGENET_TEMPLATES = [
  'a bad photo of a {}.',
  'a photo of many {}.',
  'a sculpture of a {}.',
  'a photo of the hard to see {}.',
  'a low resolution photo of the {}.',
  'a rendering of a {}.',
  'graffiti of a {}.',
  'a bad photo of the {}.',
  'a cropped photo of the {}.',
  'a tattoo of a {}.',
  'the embroidered {}.',
  'a photo of a hard to see {}.',
  'a bright photo of a {}.',
  'a photo of a clean {}.',
  'a photo of a dirty {}.',
  'a dark photo of the {}.',
  'a drawing of a {}.',
  'a photo of my {}.',
  'the plastic {}.',
  'a photo of the cool {}.',
  'a close-up photo of a {}.',
  'a black and white photo of the {}.',
  'a painting of the {}.',
  'a painting of a {}.',
  'a pixelated photo of the {}.',
  'a sculpture of the {}.',
  'a bright photo of the {}.',
  'a cropped photo of a {}.',
  'a plastic {}.',
  'a photo of the dirty {}.',
  'a jpeg corrupted photo of a {}.',
  'a blurry photo of the {}.',
  'a photo of the {}.',
  'a good photo of the {}.',
  'a rendering of the {}.',
  'a {} in a video game.',
  'a photo of one {}.',
  'a doodle of a {}.',
  'a close-up photo of the {}.',
  'a photo of a {}.',
  'the origami {}.',
  'the {} in a video game.',
  'a sketch of a {}.',
  'a doodle of the {}.',
  'a origami {}.',
  'a low resolution photo of a {}.',
  'the toy {}.',
  'a rendition of the {}.',
  'a photo of the clean {}.',
  'a photo of a large {}.',
  'a rendition of a {}.',
  'a photo of a nice {}.',
  'a photo of a weird {}.',
  'a blurry photo of a {}.',
  'a cartoon {}.',
  'art of a {}.',
  'a sketch of the {}.',
  'a embroidered {}.',
  'a pixelated photo of a {}.',
  'itap of the {}.',
  'a jpeg corrupted photo of the {}.',
  'a good photo of a {}.',
  'a plushie {}.',
  'a photo of the nice {}.',
  'a photo of the small {}.',
  'a photo of the weird {}.',
  'the cartoon {}.',
  'art of the {}.',
  'a drawing of the {}.',
  'a photo of the large {}.',
  'a black and white photo of a {}.',
  'the plushie {}.',
  'a dark photo of a {}.',
  'itap of a {}.',
  'graffiti of the {}.',
  'a toy {}.',
  'itap of my {}.',
  'a photo of a cool {}.',
  'a photo of a small {}.',
  'a tattoo of the {}.',
];

describe('the built-in label vocabulary', () => {
  it('holds at least 300 distinct everyday concepts, documents among them', () => {
    expect(CLIP_IMAGENET_TEMPLATES).toHaveLength(80);
    expect(BUILTIN_LABELS.length).toBeGreaterThanOrEqual(300);
    expect(new Set(BUILTIN_LABELS.map((l) => labelKey(l.name))).size).toBe(BUILTIN_LABELS.length);
    const groups = new Set(BUILTIN_LABELS.map((l) => l.group));
    for (const g of ['scene', 'object', 'animal', 'food', 'event', 'document']) expect(groups).toContain(g);
    const documents = BUILTIN_LABELS.filter((l) => l.group === 'document').map((l) => l.name);
    expect(documents).toEqual(expect.arrayContaining(['receipt', 'screenshot', 'whiteboard', 'ticket']));
    for (const l of BUILTIN_LABELS) expect(labelKey(l.name)).toBe(l.name);
  });

  it.each([
    ['Birthday  Cake', 'birthday cake'],
    [' BEACH ', 'beach'],
    ['ｃａｆｅ', 'cafe'],
    ['Zoë', 'zoë'],
  ])('matches "%s" as "%s"', (name, key) => {
    expect(labelKey(name)).toBe(key);
  });
});

describe('prompt ensembles', () => {
  it("uses a subset of CLIP's 80 ImageNet templates, each naming the label once", () => {
    expect(PHOTO_TEMPLATES.length).toBeGreaterThanOrEqual(8);
    for (const t of PHOTO_TEMPLATES) {
      expect(CLIP_IMAGENET_TEMPLATES).toContain(t);
      expect(t.split('{}')).toHaveLength(2);
    }
    expect(promptsFor('dog', ['a dog on a leash'])).toEqual([...PHOTO_TEMPLATES.map((t) => t.replace('{}', 'dog')), 'a dog on a leash']);
  });

  it('averages the normalised prompt embeddings and normalises the mean, one vector per label', async () => {
    // A model whose text embedding is one-hot on the prompt's template (or on the last axis for a description).
    const dim = PHOTO_TEMPLATES.length + 1;
    const model = {
      dim,
      encodeTexts: (texts: string[]) =>
        Promise.resolve(
          texts.map((t) => {
            const v = new Float32Array(dim);
            const template = PHOTO_TEMPLATES.findIndex((p) => t === p.replace('{}', 'dog') || t === p.replace('{}', 'cat'));
            v[template < 0 ? dim - 1 : template] = 1;
            return v;
          }),
        ),
    } as unknown as ClipModel;
    const [dog, cat] = await embedEnsembles(model, [{ name: 'dog', descriptions: ['a dog on a leash'] }, { name: 'cat' }]);
    const even = 1 / Math.sqrt(dim);
    for (let d = 0; d < dim; d++) expect(dog[d]).toBeCloseTo(even, 6);
    expect(cat[dim - 1]).toBe(0);
    expect(cat[0]).toBeCloseTo(1 / Math.sqrt(PHOTO_TEMPLATES.length), 6);
  });
});
