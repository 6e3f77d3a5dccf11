/** Least-recently-used cache of text embeddings: typing a query re-asks for the same words often. */
export class TextEmbeddingCache {
  private readonly entries = new Map<string, Float32Array>();

  constructor(private readonly capacity = 512) {}

  get(modelId: string, text: string): Float32Array | undefined {
    const key = `${modelId}\u0000${text}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(modelId: string, text: string, vector: Float32Array): void {
    const key = `${modelId}\u0000${text}`;
    this.entries.delete(key);
    this.entries.set(key, vector);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}
