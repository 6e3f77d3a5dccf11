import type { PhotoText } from '../core/api/contract.ts';
import { InputError } from '../core/api/errors.ts';
import type { PhotoSearchService } from '../core/api/service.ts';
import { loadTextModelCatalog } from '../core/api/text-models.ts';

interface Io {
  out: NodeJS.WritableStream;
}

function linesText(text: PhotoText, target: string): string {
  if (text.status === 'unread') return `${target} has not been read yet: \`photo-search index\` reads the words in photos after embedding them.\n`;
  if (text.status === 'failed') return `${target} could not be read: ${text.reason ?? 'no reason given'}.\n`;
  if (text.lines.length === 0) return `No text found in ${target}.\n`;
  return (
    text.lines
      .map((line) => {
        const box = line.box.map((p) => `${p.x.toFixed(3)},${p.y.toFixed(3)}`).join(' ');
        return `${line.confidence.toFixed(2)}  ${line.text}  [${box}]`;
      })
      .join('\n') + '\n'
  );
}

/** `text model [<id>]`: the OCR models of the catalog with the one in use marked, or the choice of another. */
async function textModelCommand(service: PhotoSearchService, id: string | undefined, json: boolean, io: Io): Promise<number> {
  if (id !== undefined) {
    const status = await service.useTextModel({ id });
    io.out.write(
      json
        ? `${JSON.stringify(status)}\n`
        : `Words in photos are read with ${status.model} from now on: \`photo-search index\` reads every photo again with it.\n`,
    );
    return 0;
  }
  const inUse = (await service.status()).textReading.model;
  const models = loadTextModelCatalog().map((e) => ({
    id: e.id,
    name: e.displayName,
    languages: e.languages,
    inUse: e.id === inUse,
    builtIn: !('hub' in e.source),
    whenToPick: e.whenToPick,
  }));
  io.out.write(
    json
      ? `${JSON.stringify(models)}\n`
      : models.map((m) => `${m.inUse ? '*' : ' '} ${m.id}  ${m.name}${m.builtIn ? ' (built in)' : ''}\n    ${m.whenToPick}`).join('\n') + '\n',
  );
  return 0;
}

/**
 * `photo-search text <photo>`: the lines of text read in a photo, each with its
 * confidence and outline (0..1 of the photo as displayed); `text on|off` turns
 * reading words in photos on or off for the library; `text model [<id>]` lists the
 * OCR models or chooses one.
 */
export async function textCommand(service: PhotoSearchService, positionals: string[], json: boolean, io: Io): Promise<number> {
  if (positionals[0] === 'model' && positionals.length <= 2) return textModelCommand(service, positionals[1], json, io);
  const [target, ...extra] = positionals;
  if (!target || extra.length)
    throw new InputError(positionals.join(' '), 'Give one photo (a file or a photo id), or `on` / `off`. Example: photo-search text ~/Pictures/receipt.jpg');
  if (target === 'on' || target === 'off') {
    const status = await service.setTextReading({ enabled: target === 'on' });
    io.out.write(
      json
        ? `${JSON.stringify(status)}\n`
        : status.enabled
          ? `Reading words in photos is on: \`photo-search index\` reads the ${status.read ? 'new ' : ''}photos.\n`
          : 'Reading words in photos is off for this library; what was read is kept.\n',
    );
    return 0;
  }
  const id = /^[1-9]\d*$/.test(target) ? Number(target) : (await service.findPhoto({ path: target })).id;
  const text = await service.photoText({ id });
  io.out.write(json ? `${JSON.stringify(text)}\n` : linesText(text, target));
  return 0;
}
