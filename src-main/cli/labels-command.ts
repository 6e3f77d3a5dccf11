import type { PhotoLabel } from '../core/api/contract.ts';
import { InputError } from '../core/api/errors.ts';
import type { PhotoSearchService } from '../core/api/service.ts';

interface Io {
  out: NodeJS.WritableStream;
}

const SUBCOMMANDS = 'list, add <label>, remove <label>, show <photo id>, yes <photo id> <label>, no <photo id> <label>, reset <photo id> <label>';

function photoId(value: string | undefined, sub: string): number {
  if (!value || !/^[1-9]\d*$/.test(value))
    throw new InputError(value ?? sub, `\`photo-search labels ${sub}\` needs a photo id, as \`photo-search search --json\` lists them.`);
  return Number(value);
}

function labelText(labels: PhotoLabel[]): string {
  if (labels.length === 0) return 'No label stands out for this photo.\n';
  return (
    labels
      .map(
        (l) =>
          `  ${`${Math.round(l.strength * 100)}%`.padStart(4)}  ${l.refines ? '  ' : ''}${l.name}${l.source === 'vocabulary' ? '' : ` (${l.source === 'user' ? 'yours' : 'your classifier'})`}`,
      )
      .join('\n') + '\n'
  );
}

/**
 * `photo-search labels …`: the vocabulary of labels the app gives photos, your
 * own labels, and corrections of one photo's labels (yours win over the model's).
 */
export async function labelsCommand(service: PhotoSearchService, positionals: string[], json: boolean, io: Io): Promise<number> {
  const [sub = 'list', first, ...rest] = positionals;
  const print = (value: unknown, text: string) => io.out.write(json ? `${JSON.stringify(value)}\n` : text);
  const name = (words: string[]) => {
    const text = words.join(' ').trim();
    if (!text) throw new InputError(sub, `\`photo-search labels ${sub}\` needs a label, e.g. beach.`);
    return text;
  };
  switch (sub) {
    case 'list': {
      const labels = await service.labels();
      const used = labels.filter((l) => l.photos > 0).sort((a, b) => b.photos - a.photos);
      print(
        labels,
        `${labels.length} labels; on your photos:\n${used.map((l) => `  ${String(l.photos).padStart(6)}  ${l.name}`).join('\n') || '  none yet (index your folders)'}\n`,
      );
      return 0;
    }
    case 'add': {
      const label = await service.addLabel({ name: name([first, ...rest].filter(Boolean)) });
      print(label, `Added the label "${label.name}": ${label.photos} photos carry it.\n`);
      return 0;
    }
    case 'remove': {
      const result = await service.removeLabel({ name: name([first, ...rest].filter(Boolean)) });
      print(result, `Removed the label "${result.removed}".\n`);
      return 0;
    }
    case 'show': {
      const labels = await service.photoLabels({ id: photoId(first, sub) });
      print(labels, labelText(labels));
      return 0;
    }
    case 'yes':
    case 'no':
    case 'reset': {
      const has = sub === 'yes' ? true : sub === 'no' ? false : null;
      const labels = await service.correctLabel({ id: photoId(first, sub), name: name(rest), has });
      print(labels, labelText(labels));
      return 0;
    }
    default:
      throw new InputError(sub, `Unknown labels subcommand "${sub}". Subcommands: ${SUBCOMMANDS}.`);
  }
}
