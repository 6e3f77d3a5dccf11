import path from 'node:path';
import type { ModelFiles } from '../../../src-main/core/models/layout.ts';

export const PARITY_FIXTURES = path.join(import.meta.dirname, '../../fixtures/parity');

/** A ModelFiles naming only a tokenizer fixture and its config: all TextTokenizer.load reads. */
export function tokenizerFixture(name: string): ModelFiles {
  return {
    dir: PARITY_FIXTURES,
    layout: 'hf-onnx',
    variant: 'fp32',
    vision: '',
    text: '',
    tokenizer: path.join(PARITY_FIXTURES, `${name}.json`),
    tokenizerConfig: path.join(PARITY_FIXTURES, `${name}_config.json`),
    preprocessor: '',
    config: '',
  };
}
