import fs from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLibraryFixture, type LibraryFixture } from '../helpers/library-fixture.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

const { onnx } = onnxProto;
let fx: LibraryFixture;

function cli(...argv: string[]): Promise<CliRun> {
  return runCli([...argv, '--library', fx.libraryDir]);
}

beforeAll(async () => {
  fx = await createLibraryFixture('cli');
});
afterAll(() => fx?.cleanup());

describe('photo-search command line', () => {
  it('says how to get a model when none is set up', async () => {
    const { code, err } = await cli('search', 'red');
    expect(code).toBe(1);
    expect(err).toMatch(/No model is set up.*--model/s);
  });

  it('indexes a folder and prints a summary', async () => {
    const { code, out } = await cli('index', fx.photosDir, '--model', fx.modelDir);
    expect(code).toBe(0);
    const photos = fx.manifest.entries.filter((f) => f.kind === 'photo').length;
    expect(out).toContain(`${photos} embedded`);
    expect(out).toMatch(/\d+ failed/);
  });

  it('remembers the model and prints the matches first, each with its strength, score and why', async () => {
    const { code, out } = await cli('search', 'yellow', '-k', '3');
    expect(code).toBe(0);
    const [header, ...lines] = out.trim().split('\n');
    const yellow = fx.manifest.entries.filter((f) => f.kind === 'photo' && f.colour === 'yellow').length;
    expect(header).toBe(`${yellow} matches:`);
    const listed = lines.filter((l) => !l.startsWith('('));
    expect(listed).toHaveLength(3);
    for (const line of listed) {
      const [strength, score, ...rest] = line.trim().split(/\s+/);
      expect(['strong', 'good']).toContain(strength);
      expect(Number(score)).toBeGreaterThan(0);
      const file = rest.join(' ').replace(/\s+\(looks like.*$/, '');
      const entry = fx.manifest.entries.find((f) => path.join(fx.photosDir, f.relPath) === file);
      expect(entry?.colour).toBe('yellow');
      expect(line).toContain('(looks like the query (');
    }
  });

  it('lists every match when no page size is given, and says when there are none', async () => {
    const { out } = await cli('search', 'red');
    const red = fx.manifest.entries.filter((f) => f.kind === 'photo' && f.colour === 'red').length;
    expect(out.trim().split('\n')[0]).toBe(`${red} matches:`);
    const gibberish = await cli('search', 'xqzvbl wrrmph');
    expect(gibberish.out.trim().split('\n')[0]).toBe('No close matches. The nearest photos:');
  });

  it('finds the near-duplicate with `similar`, as JSON', async () => {
    const { code, out } = await cli('similar', path.join(fx.photosDir, 'near-dup', 'original.jpg'), '--json', '-k', '2');
    expect(code).toBe(0);
    const result = JSON.parse(out);
    expect(result.hits[0].path).toBe(path.join(fx.photosDir, 'near-dup', 'copy-small.jpg'));
  });

  it('combines text, image and a negative term with filters', async () => {
    const redPlain = fx.manifest.entries.find((f) => f.kind === 'photo' && f.colour === 'red' && f.pattern === 'plain')!;
    const { code, out } = await cli(
      'search',
      'stripes',
      '--image',
      path.join(fx.photosDir, redPlain.relPath),
      '--image-weight',
      '0.5',
      '--not',
      'blue',
      '--type',
      'jpg,png',
      '--json',
    );
    expect(code).toBe(0);
    const { hits } = JSON.parse(out);
    const first = fx.manifest.entries.find((f) => path.join(fx.photosDir, f.relPath) === hits[0].path);
    expect(first).toMatchObject({ colour: 'red', pattern: 'stripes' });
    expect(hits.every((h: { path: string }) => /\.(jpg|jpeg|jpe|png)$/i.test(h.path))).toBe(true);
  });

  it('reads `-word` among the search words as a negative term, as the search box does, and still takes -k', async () => {
    const typed = await cli('search', 'stripes', '-blue', '-k', '5', '--json');
    const flagged = await cli('search', 'stripes', '--not', 'blue', '-k', '5', '--json');
    expect(typed.code, typed.err).toBe(0);
    const hits = (run: CliRun) => (JSON.parse(run.out) as { hits: Array<{ path: string }> }).hits.map((h) => h.path);
    expect(hits(typed)).toHaveLength(5);
    expect(hits(typed)).toEqual(hits(flagged));
    const phrase = await cli('search', 'stripes', '-blue circle', '--json');
    expect(phrase.code, phrase.err).toBe(0);
  });

  it('status lists folders, the model and the files that failed with their reason', async () => {
    const { code, out } = await cli('status');
    expect(code).toBe(0);
    expect(out).toContain(fx.photosDir);
    expect(out).toContain('Model: model');
    const broken = fx.manifest.entries.filter((f) => f.kind === 'broken');
    for (const b of broken) expect(out).toContain(path.join(fx.photosDir, b.relPath));
  });

  it.each([
    [['search', 'red', '-k', 'many'], /-k must be a number/],
    [['search', 'red', '--after', '2021-13-01'], /2021-13-01/],
    [['search', 'red', 'after:2021-13'], /2021-13 is not a month: use YYYY-MM/],
    [['search', 'red', '--type', 'docx'], /docx is not a photo file type/],
    [['search', 'red', '--image-weight', '3'], /--image-weight must be a number from 0 to 1/],
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['search'], /Give a description/],
    [['search', 'red', '-k', '1.5'], /Invalid input for search: k must be a whole number$/m],
    [['search', 'x'.repeat(1200)], /Invalid input for search: description is too long: at most 1000 characters$/m],
    [['forget', '/nowhere/at/all'], /is not a library folder/],
    [['index', '/nowhere/at/all'], /There is no folder at \/nowhere\/at\/all/],
  ])('bad input %j gets a clear message', async (argv, message) => {
    const { code, err } = await cli(...argv);
    expect(code).not.toBe(0);
    expect(err).toMatch(message);
  });

  it('says how many photos a newly chosen model has not indexed yet, and when --offset is past the list', async () => {
    const other = path.join(fx.libraryDir, '..', 'other-model');
    fs.cpSync(fx.modelDir, other, { recursive: true });
    // Other weights: another model as far as the library can tell.
    const text = path.join(other, 'onnx', 'text_model.onnx');
    const graph = onnx.ModelProto.decode(fs.readFileSync(text));
    const weight = graph.graph!.initializer!.find((t) => (t.rawData?.length ?? 0) > 0)!;
    weight.rawData = Buffer.from(weight.rawData!).fill(0, 0, 4);
    fs.writeFileSync(text, onnx.ModelProto.encode(graph).finish());
    const library = path.join(fx.libraryDir, '..', 'other-library');
    expect((await runCli(['index', fx.photosDir, '--library', library, '--model', fx.modelDir])).code).toBe(0);
    const photos = fx.manifest.entries.filter((f) => f.kind === 'photo').length;
    const switched = await runCli(['search', 'red', '--library', library, '--model', other]);
    expect(switched.out).toContain(`(${photos} photos are not indexed with other-model yet`);
    expect(switched.out).toContain('Run `photo-search index`');
    const past = await runCli(['search', 'red', '--library', library, '--model', fx.modelDir, '--offset', '99999']);
    expect(past.out).toMatch(/The list ends at \d+; --offset 99999 is past it/);
    expect(past.out).not.toContain('not indexed');
  });

  it('forgets a folder', async () => {
    const { code, out } = await cli('forget', fx.photosDir);
    expect(code).toBe(0);
    expect(out).toMatch(/photos removed from the library. No file was touched./);
    const status = await cli('status', '--json');
    expect(JSON.parse(status.out).photos).toBe(0);
  });
});
