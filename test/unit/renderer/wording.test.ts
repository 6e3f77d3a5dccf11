import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../../src-main/core/models/hub/download-errors.ts';
import { inFrontEndWords, withoutCommandAdvice } from '../../../src-renderer/lib/api/wording.ts';

const NO_MODEL =
  'No model is set up. Install one with `photo-search models install clip-vit-b32-laion2b` (`photo-search models list` shows the others), ' +
  'or point --model at a model directory (Hugging Face ONNX layout: onnx/vision_model.onnx, onnx/text_model.onnx, tokenizer.json, ' +
  'preprocessor_config.json, config.json). To try the app without downloading, create the test model with `npm run model:tiny -- <dir>`.';

const offline = () =>
  describeFailure(Object.assign(new Error('getaddrinfo ENOTFOUND huggingface.co'), { code: 'ENOTFOUND' }), {
    id: 'clip-vit-b32-laion2b',
    what: 'laion/clip (file list)',
    url: new URL('https://huggingface.co/api/models/laion/clip'),
    timeoutMs: 30_000,
    modelsDir: '/lib/models',
    bytesNeeded: 600e6,
    env: {},
  });

describe('engine messages in the words of the interface', () => {
  it('drops the sentences that tell to run a command', () => {
    expect(withoutCommandAdvice(NO_MODEL)).toEqual({ text: 'No model is set up.', dropped: true });
    expect(withoutCommandAdvice('There is no folder at /home/me/Photso. Check the spelling.')).toEqual({
      text: 'There is no folder at /home/me/Photso. Check the spelling.',
      dropped: false,
    });
  });

  it.each(['desktop', 'browser'] as const)('tells a person in the %s app to use the model folder field when the hub cannot be reached', (mode) => {
    const err = offline();
    expect(err.message).toContain('photo-search models import');
    const words = inFrontEndWords({ code: err.code, message: err.message, subject: err.subject }, mode);
    expect(words).toMatch(/^Cannot reach huggingface\.co\./);
    expect(words).not.toMatch(/photo-search|`|--/);
    expect(words).toContain('Or use a model folder on this computer');
  });

  it('says how to set up a model in the interface', () => {
    const words = inFrontEndWords({ code: 'model-missing', message: NO_MODEL, subject: '/lib/models' }, 'desktop');
    expect(words).toMatch(/^No model is set up\. /);
    expect(words).not.toMatch(/photo-search|npm|--model|`/);
  });

  it('keeps a message that has no command in it as it is', () => {
    const body = { code: 'not-found', message: 'There is no folder at /x. Check the spelling, and that the drive it is on is connected.', subject: '/x' };
    expect(inFrontEndWords(body, 'browser')).toBe(body.message);
  });

  it('keeps the facts when it drops a command that has no counterpart on screen', () => {
    const words = inFrontEndWords(
      { code: 'invalid-input', message: 'The library has no folders yet. Add one, e.g. `photo-search index ~/Pictures`.', subject: '' },
      'browser',
    );
    expect(words).toBe('The library has no folders yet.');
  });
});
