import path from 'node:path';
import { z } from 'zod';
import { ModelError } from '../errors.ts';
import { readJsonFile } from './json-file.ts';
import type { ModelFiles } from './layout.ts';
import type { PreprocessSpec } from './types.ts';

/** What the JSON files beside the ONNX graphs say about the model. */
export interface ModelConfig {
  preprocess: PreprocessSpec;
  projectionDim: number | undefined;
  contextLength: number | undefined;
  /**
   * The text tower pools at a fixed position (SigLIP's last token) or was exported
   * for full-length input (Immich), so every text is padded to the context length.
   */
  padToContext: boolean;
}

const OPENAI_CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const OPENAI_CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

/** PIL resampling codes as transformers stores them; LANCZOS (1), BOX (4) and HAMMING (5) have no equivalent here. */
const PIL_RESAMPLE: Record<number, PreprocessSpec['resample']> = { 0: 'nearest', 2: 'bilinear', 3: 'bicubic' };

const positive = z.number().int().positive();
const triple = z
  .union([z.number(), z.array(z.number()).length(3)])
  .transform((v): [number, number, number] => (typeof v === 'number' ? [v, v, v] : [v[0], v[1], v[2]]));
const hwSize = z.object({ height: positive, width: positive });

const hfPreprocessor = z.object({
  do_resize: z.boolean().optional(),
  size: z.union([positive, z.object({ shortest_edge: positive }), hwSize]).optional(),
  resample: z.number().int().optional(),
  do_center_crop: z.boolean().optional(),
  crop_size: z.union([positive, hwSize]).optional(),
  do_rescale: z.boolean().optional(),
  rescale_factor: z.number().positive().optional(),
  do_normalize: z.boolean().optional(),
  image_mean: triple.optional(),
  image_std: triple.optional(),
});

const openClipPreprocessor = z.object({
  size: z.union([positive, z.array(positive).length(2)]),
  mean: triple.optional(),
  std: triple.optional(),
  interpolation: z.enum(['bicubic', 'bilinear', 'nearest']).optional(),
  resize_mode: z.string().optional(),
});

const hfConfig = z.object({
  model_type: z.string().optional(),
  projection_dim: positive.optional(),
  text_config: z.object({ max_position_embeddings: positive.optional() }).optional(),
});

const openClipConfig = z.object({
  embed_dim: positive.optional(),
  text_cfg: z.object({ context_length: positive.optional() }).optional(),
});

const tokenizerConfig = z.object({ model_max_length: z.number().optional() });

function invalid(file: string, message: string, cause?: unknown): ModelError {
  return new ModelError('model-invalid', modelDirOf(file), `${file}: ${message}`, { cause });
}

/** Model JSON files sit in the model directory or one level down (Immich's visual/ and textual/). */
function modelDirOf(file: string): string {
  const parent = path.dirname(file);
  return ['visual', 'textual'].includes(path.basename(parent)) ? path.dirname(parent) : parent;
}

function parse<T extends z.ZodType>(schema: T, value: unknown, file: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  throw invalid(file, `field ${field}: ${issue.message}`, result.error);
}

function normalisation(
  mean: [number, number, number] | undefined,
  std: [number, number, number] | undefined,
  file: string,
): Pick<PreprocessSpec, 'mean' | 'std'> {
  const spec = { mean: mean ?? OPENAI_CLIP_MEAN, std: std ?? OPENAI_CLIP_STD };
  if (spec.std.some((s) => s <= 0)) throw invalid(file, `image std must be positive, got [${spec.std.join(', ')}]`);
  return spec;
}

/** transformers' CLIPImageProcessor / SiglipImageProcessor settings (preprocessor_config.json). */
export function preprocessFromHf(json: unknown, file: string): PreprocessSpec {
  const cfg = parse(hfPreprocessor, json, file);
  if (cfg.do_resize === false) throw invalid(file, 'do_resize is false; only models that resize their input are supported');
  const resample = PIL_RESAMPLE[cfg.resample ?? 3];
  if (!resample) throw invalid(file, `resample ${cfg.resample} is not supported (use 0 nearest, 2 bilinear or 3 bicubic)`);
  const rescale = cfg.do_rescale === false ? 1 : (cfg.rescale_factor ?? 1 / 255);
  const norm =
    cfg.do_normalize === false
      ? { mean: [0, 0, 0] as [number, number, number], std: [1, 1, 1] as [number, number, number] }
      : normalisation(cfg.image_mean, cfg.image_std, file);
  const common = { resample, rescale, ...norm };
  const size = cfg.size ?? 224;
  const crop = cfg.do_center_crop ?? cfg.crop_size !== undefined;

  if (typeof size === 'object' && 'height' in size) {
    // Resizing to an exact size ignores the aspect ratio; a crop to that same size is then a no-op.
    const cropSize = typeof cfg.crop_size === 'number' ? { height: cfg.crop_size, width: cfg.crop_size } : cfg.crop_size;
    if (crop && cropSize && (cropSize.height !== size.height || cropSize.width !== size.width)) {
      throw invalid(file, 'resizing to a fixed height and width and then cropping to a different size is not supported');
    }
    return { mode: 'square', width: size.width, height: size.height, resizeShortest: Math.min(size.width, size.height), ...common };
  }
  const shortest = typeof size === 'number' ? size : size.shortest_edge;
  if (!crop) {
    if (typeof size === 'object') throw invalid(file, 'size.shortest_edge without a centre crop gives images of varying shape; not supported');
    return { mode: 'square', width: shortest, height: shortest, resizeShortest: shortest, ...common };
  }
  const cropSize = cfg.crop_size ?? shortest;
  const width = typeof cropSize === 'number' ? cropSize : cropSize.width;
  const height = typeof cropSize === 'number' ? cropSize : cropSize.height;
  if (shortest < Math.max(width, height)) throw invalid(file, `crop ${width}x${height} is larger than the resized shortest side ${shortest}`);
  return { mode: 'crop', width, height, resizeShortest: shortest, ...common };
}

/** open_clip's preprocess config as Immich ships it (visual/preprocess_cfg.json); inputs are always scaled by 1/255. */
export function preprocessFromOpenClip(json: unknown, file: string): PreprocessSpec {
  const cfg = parse(openClipPreprocessor, json, file);
  const [height, width] = typeof cfg.size === 'number' ? [cfg.size, cfg.size] : cfg.size;
  const common = { resample: cfg.interpolation ?? 'bicubic', rescale: 1 / 255, ...normalisation(cfg.mean, cfg.std, file) } as const;
  const mode = cfg.resize_mode ?? 'shortest';
  if (mode === 'squash') return { mode: 'square', width, height, resizeShortest: Math.min(width, height), ...common };
  if (mode !== 'shortest') throw invalid(file, `resize_mode "${mode}" is not supported (use "shortest" or "squash")`);
  if (width !== height) throw invalid(file, `resize_mode "shortest" with a non-square size ${height}x${width} is not supported`);
  return { mode: 'crop', width, height, resizeShortest: width, cropRounding: 'half-even', ...common };
}

function sensibleMaxLength(value: number | undefined): number | undefined {
  // transformers writes a huge sentinel (1e30) when a tokenizer has no limit.
  return value !== undefined && Number.isInteger(value) && value > 0 && value < 100_000 ? value : undefined;
}

export async function readModelConfig(files: ModelFiles): Promise<ModelConfig> {
  const tokenizerMax = files.tokenizerConfig
    ? sensibleMaxLength(parse(tokenizerConfig, await readJsonFile(files.tokenizerConfig, files.dir), files.tokenizerConfig).model_max_length)
    : undefined;
  const preprocessorJson = await readJsonFile(files.preprocessor, files.dir);
  const configJson = await readJsonFile(files.config, files.dir);

  if (files.layout === 'immich') {
    const cfg = parse(openClipConfig, configJson, files.config);
    return {
      preprocess: preprocessFromOpenClip(preprocessorJson, files.preprocessor),
      projectionDim: cfg.embed_dim,
      contextLength: cfg.text_cfg?.context_length ?? tokenizerMax,
      padToContext: true,
    };
  }
  const cfg = parse(hfConfig, configJson, files.config);
  return {
    preprocess: preprocessFromHf(preprocessorJson, files.preprocessor),
    projectionDim: cfg.projection_dim,
    contextLength: cfg.text_config?.max_position_embeddings ?? tokenizerMax,
    padToContext: (cfg.model_type ?? '').startsWith('siglip'),
  };
}
