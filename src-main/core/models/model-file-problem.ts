import fs from 'node:fs';
import { ModelError, errorMessage } from '../errors.ts';

const REINSTALL = 'Install the model again (`photo-search models install <id>` for one from the catalog) or replace the file with a complete copy.';

/** Why a model file could not be looked at. */
function unreadable(err: unknown): { reason: string; advice: string } {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { reason: 'the file is missing', advice: REINSTALL };
  if (code === 'EACCES' || code === 'EPERM') return { reason: 'this user account may not read it', advice: 'Make the file readable for your user account.' };
  return { reason: errorMessage(err), advice: REINSTALL };
}

/** What is wrong with a model file, judged from the file itself, with what to do; null when the file looks whole. */
function fileProblem(file: string): { reason: string; advice: string } | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    return unreadable(err);
  }
  if (stat.isDirectory()) return { reason: 'it is a folder, not a file', advice: REINSTALL };
  if (stat.size === 0) return { reason: 'the file is empty (0 bytes): its download did not finish', advice: REINSTALL };
  let head: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const bytes = Buffer.alloc(64);
      head = bytes.subarray(0, fs.readSync(fd, bytes, 0, 64, 0)).toString('latin1');
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    return unreadable(err);
  }
  if (head.startsWith('version https://git-lfs')) {
    return {
      reason: 'it is a Git LFS pointer, not the weights themselves',
      advice: 'Fetch the weights with `git lfs pull` in the model’s repository, or install the model with `photo-search models install`.',
    };
  }
  if (/^\s*</.test(head)) return { reason: 'it is a web page, not a model: the download went wrong', advice: REINSTALL };
  return null;
}

/** onnxruntime's message without its C++ source locations ("/onnxruntime_src/…/model.cc:187 onnxruntime::Model::Model(…)"). */
function runtimeReason(err: unknown): string {
  const message = errorMessage(err);
  if (/Protobuf parsing failed|does not have a graph/.test(message)) return 'it is cut short or damaged: it does not read as an ONNX model';
  if (/external data|ExtData|onnx_data/i.test(message)) return 'its external weights file (next to it, ending in _data) is missing, cut short or damaged';
  return message.replace(/\S*\.(?:cc|cpp|h):\d+\s+\S*\([^)]*\)\S*\s*/g, '').trim();
}

/**
 * The error for an ONNX file onnxruntime could not load, in plain words: what is wrong
 * with `file` (missing, a folder, unreadable, empty, a Git LFS pointer, a web page, cut
 * short) and what to do, else onnxruntime's own reason without its source locations.
 */
export function unloadableModel(file: string, dir: string, err: unknown): ModelError {
  const problem = fileProblem(file) ?? { reason: runtimeReason(err), advice: REINSTALL };
  return new ModelError('model-invalid', dir, `${file} is not a loadable ONNX model: ${problem.reason}. ${problem.advice}`, { cause: err });
}
