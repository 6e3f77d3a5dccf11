/** How a photo becomes the model's input tensor, as the model's own config describes it. */
export interface PreprocessSpec {
  /** crop: resize the shortest side, then centre crop (CLIP). square: resize to width x height, no crop (SigLIP). */
  mode: 'crop' | 'square';
  /** Tensor size fed to the model. */
  width: number;
  height: number;
  /** Crop mode: the shortest side after resizing (may exceed width/height). */
  resizeShortest: number;
  resample: 'bicubic' | 'bilinear' | 'nearest';
  /** Multiplies 0..255 values, usually 1/255. */
  rescale: number;
  mean: [number, number, number];
  std: [number, number, number];
  /** Where an odd margin puts the centre crop: 'floor' (Hugging Face, the default) or 'half-even' (torchvision). */
  cropRounding?: 'floor' | 'half-even';
}

export type ModelVariant = 'fp32' | 'quantized';

export interface LoadModelOptions {
  /** Threads for one inference; defaults to the number of cores. */
  intraOpThreads?: number;
  variant?: ModelVariant;
  /** 'lazy': load the image encoder on the first image to embed, not now (a search-only session never needs it). Default 'eager'. */
  vision?: 'eager' | 'lazy';
  /**
   * Run the image encoder on a worker thread: onnxruntime-node's runs hold the event
   * loop, so a process that indexes and answers queries (the desktop app's engine,
   * `serve`) would otherwise make each query wait for the batch in the model.
   */
  visionInWorker?: boolean;
  /**
   * Load and run the text encoder on a worker thread: loading it (most of a cold start)
   * then leaves the event loop free to read the library's vectors meanwhile; each query
   * pays a message to the worker and back.
   */
  textInWorker?: boolean;
}

export interface ClipModel {
  /** Identity of the weights: `${dim}d-${12 hex}`; changes when an ONNX file changes, not when the folder moves. */
  readonly id: string;
  readonly name: string;
  readonly dir: string;
  /** Embedding dimension. */
  readonly dim: number;
  readonly preprocess: PreprocessSpec;
  /** Stored with every embedding: a change means the photo must be embedded again. */
  readonly preprocessVersion: string;
  /** Maximum tokens per text, start and end tokens included. */
  readonly contextLength: number;
  /** `pixels` holds `count` CHW images back to back; returns one L2-normalised row per image. */
  encodeImages(pixels: Float32Array, count: number): Promise<Float32Array[]>;
  /** One L2-normalised row per text. */
  encodeTexts(texts: string[]): Promise<Float32Array[]>;
  /**
   * Whether a weight file the model runs from has changed on disk since it was opened
   * (a new version copied over it, or the file shortened or removed). Its sessions then
   * no longer match the file, and weights mapped from a shortened file would fault: the
   * model must be loaded again.
   */
  changedOnDisk(): boolean;
  dispose(): Promise<void>;
}
