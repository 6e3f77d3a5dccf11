import type { ClipShape } from '../test/fixtures/clip-shaped-model.ts';
import type { BenchOptions } from './args.ts';
import { ensureClipShapedModel } from './assets/models.ts';

/** What every section gets: the options and the generated models, made once per run. */
export class BenchContext {
  private readonly models = new Map<string, Promise<string>>();

  constructor(
    readonly opts: BenchOptions,
    readonly log: (line: string) => void,
  ) {}

  modelDir(shape: ClipShape): Promise<string> {
    let dir = this.models.get(shape.name);
    if (!dir) this.models.set(shape.name, (dir = ensureClipShapedModel(shape, this.log)));
    return dir;
  }
}
