import type { PhotoText } from '../core/api/contract.ts';
import { InputError } from '../core/api/errors.ts';
import type { PhotoSearchService } from '../core/api/service.ts';

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

/**
 * `photo-search text <photo>`: the lines of text read in a photo, each with its
 * confidence and outline (0..1 of the photo as displayed); `text on|off` turns
 * reading words in photos on or off for the library.
 */
export async function textCommand(service: PhotoSearchService, positionals: string[], json: boolean, io: Io): Promise<number> {
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
