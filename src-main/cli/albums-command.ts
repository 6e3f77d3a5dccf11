import type { ParseArgsConfig } from 'node:util';
import type { AlbumPage, AlbumSummary } from '../core/api/contract.ts';
import { InputError } from '../core/api/errors.ts';
import type { PhotoSearchService } from '../core/api/service.ts';
import { numberOption } from './args.ts';

export const albumsOptions = {
  description: { type: 'string' },
  like: { type: 'string', multiple: true },
  k: { type: 'string', short: 'k' },
  offset: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

interface Io {
  out: NodeJS.WritableStream;
}

const SUBCOMMANDS = 'list, create <name>, show <album>, add <album> <photo id>..., remove <album> <photo id>..., delete <album>';

function photoIds(values: readonly string[]): number[] {
  const bad = values.find((v) => !/^[1-9]\d*$/.test(v));
  if (bad !== undefined) throw new InputError(bad, `"${bad}" is not a photo id. Photo ids are the numbers \`photo-search search --json\` gives each photo.`);
  if (values.length === 0) throw new InputError('', 'Give the ids of the photos, as `photo-search search --json` lists them.');
  return values.map(Number);
}

/** An album named by its id when the value is a number, else by its name. */
function albumRef(value: string | undefined, sub: string): string | number {
  if (!value) throw new InputError(sub, `\`photo-search albums ${sub}\` needs an album: its name or its id (\`photo-search albums list\`).`);
  return /^[1-9]\d*$/.test(value) ? Number(value) : value;
}

function summaryLine(a: AlbumSummary): string {
  return `${String(a.id).padStart(4)}  ${a.name}  (${a.photos} ${a.photos === 1 ? 'photo' : 'photos'})${a.description ? ` — ${a.description}` : ''}`;
}

function pageText(page: AlbumPage): string {
  const lines = [`${page.album.name}: ${page.total} ${page.total === 1 ? 'photo' : 'photos'}`];
  for (const p of page.photos) lines.push(`  ${p.origin === 'added' ? 'added' : `${Math.round(p.strength * 100)}%`.padStart(5)}  ${p.displayPath ?? p.path}`);
  const shown = page.offset + page.photos.length;
  if (shown < page.total) lines.push(`(${page.total - shown} more; see them with --offset ${shown})`);
  return lines.join('\n') + '\n';
}

/**
 * `photo-search albums …`: smart albums that fill themselves from a name (and
 * optionally a description and example photos), with the user's own additions
 * and removals kept.
 */
export async function albumsCommand(service: PhotoSearchService, positionals: string[], values: Record<string, unknown>, io: Io): Promise<number> {
  const [sub = 'list', target, ...rest] = positionals;
  const json = values.json === true;
  const print = (value: unknown, text: string) => io.out.write(json ? `${JSON.stringify(value)}\n` : text);
  switch (sub) {
    case 'list': {
      const albums = await service.albums();
      print(albums, albums.length ? albums.map(summaryLine).join('\n') + '\n' : 'No albums yet. Make one with `photo-search albums create Hiking`.\n');
      return 0;
    }
    case 'create': {
      const name = [target, ...rest].join(' ').trim();
      if (!name) throw new InputError('', 'Give the album a name, e.g. `photo-search albums create Hiking`.');
      const album = await service.createAlbum({
        name,
        description: values.description as string | undefined,
        examples: values.like ? photoIds(values.like as string[]) : undefined,
      });
      print(album, `Made the album "${album.name}": ${album.photos} ${album.photos === 1 ? 'photo' : 'photos'}. It fills itself as photos are indexed.\n`);
      return 0;
    }
    case 'show': {
      const page = await service.album({
        album: albumRef(target, sub),
        k: numberOption('k', values.k as string | undefined, 1, 100_000),
        offset: numberOption('offset', values.offset as string | undefined, 0, 100_000_000),
      });
      print(page, pageText(page));
      return 0;
    }
    case 'add':
    case 'remove': {
      const album = albumRef(target, sub);
      const ids = photoIds(rest);
      const result = sub === 'add' ? await service.addToAlbum({ album, photoIds: ids }) : await service.removeFromAlbum({ album, photoIds: ids });
      print(result, `${result.name} now holds ${result.photos} ${result.photos === 1 ? 'photo' : 'photos'}.\n`);
      return 0;
    }
    case 'delete': {
      const result = await service.deleteAlbum({ album: albumRef(target, sub) });
      print(result, `Deleted the album ${result.deleted}. No photo was touched.\n`);
      return 0;
    }
    default:
      throw new InputError(sub, `Unknown albums subcommand "${sub}". Subcommands: ${SUBCOMMANDS}.`);
  }
}
