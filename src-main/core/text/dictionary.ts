import fs from 'node:fs';
import { ModelError, errorMessage } from '../errors.ts';

/**
 * A PaddleOCR character dictionary as the recogniser's CTC classes index it: class 0 is
 * the blank, class k (1..n) is line k of the file, and class n + 1 is a space, which
 * the file leaves out and the model was trained with (PaddleOCR `use_space_char`).
 * Returns the n + 1 characters for classes 1..n + 1.
 */
export function loadDictionary(file: string, modelDir: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ModelError('model-invalid', modelDir, `Cannot read the OCR character dictionary ${file}: ${errorMessage(err)}`, { cause: err });
  }
  const lines = text.split(/\r?\n/);
  // Only the newline that ends the file is dropped: a blank line inside it would shift every class after it.
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new ModelError('model-invalid', modelDir, `The OCR character dictionary ${file} is empty.`);
  return [...lines, ' '];
}
