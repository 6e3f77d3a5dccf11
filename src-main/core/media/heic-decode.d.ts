declare module 'heic-decode' {
  export interface DecodedImage {
    width: number;
    height: number;
    /** RGBA, 4 bytes per pixel. */
    data: Uint8ClampedArray;
  }
  export interface HeicImage {
    width: number;
    height: number;
    decode(): Promise<DecodedImage>;
  }
  export interface HeicImages extends Array<HeicImage> {
    /** Frees the wasm memory of every image; required after `all`. */
    dispose(): void;
  }
  export interface Decode {
    (input: { buffer: Uint8Array }): Promise<DecodedImage>;
    all(input: { buffer: Uint8Array }): Promise<HeicImages>;
  }
  const decode: Decode;
  export default decode;
}
