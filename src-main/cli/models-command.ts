import type { ModelListing, ModelsOverview } from '../core/api/contract.ts';
import type { PhotoSearchService } from '../core/api/service.ts';
import { InputError } from '../core/api/errors.ts';
import { formatBytes, formatEta } from './format.ts';
import { int8InstallNote, int8ListNote } from './int8-notes.ts';

interface Io {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

export interface ModelsArgs {
  positionals: string[];
  json: boolean;
  quantized: boolean;
  id?: string;
  /** Runs an indexing pass with a progress bar (used to re-embed after a switch). */
  reindex: () => Promise<number>;
}

const SUBCOMMANDS = 'list, install <id>, use <id>, import <dir>, remove <id>';

/** `photo-search models …`: the catalog, installs, and switching the active model. */
export async function modelsCommand(service: PhotoSearchService, args: ModelsArgs, io: Io): Promise<number> {
  const [sub = 'list', target, ...extra] = args.positionals;
  if (extra.length) throw new InputError(extra.join(' '), `Unexpected arguments: ${extra.join(' ')}. Subcommands: ${SUBCOMMANDS}.`);
  const need = (what: string) => {
    if (!target) throw new InputError(sub, `\`photo-search models ${sub}\` needs ${what}. \`photo-search models list\` shows the models.`);
    return target;
  };
  const print = (value: unknown, text: string) => io.out.write(args.json ? `${JSON.stringify(value)}\n` : text);

  switch (sub) {
    case 'list': {
      const overview = await service.models();
      print(overview, formatList(overview));
      return 0;
    }
    case 'install': {
      const id = need('a model id');
      const stop = args.json
        ? () => {}
        : service.events.on('model-download', (p) => {
            if (io.err.isTTY)
              io.err.write(
                `\r\x1b[2K${p.file}  ${formatBytes(p.bytes)}/${formatBytes(p.total)}  ${formatBytes(p.bytesPerSecond)}/s  ETA ${formatEta(p.etaSeconds)}`,
              );
          });
      try {
        const listing = await service.installModel({ id, quantized: args.quantized });
        if (io.err.isTTY && !args.json) io.err.write('\n');
        const note = int8InstallNote(listing);
        print(
          listing,
          `Installed ${listing.displayName}${listing.active ? ' (active)' : `. Use it with \`photo-search models use ${id}\``}.\n${licenceLine(listing)}\n${note ? `${note}\n` : ''}`,
        );
        return 0;
      } finally {
        stop();
      }
    }
    case 'use': {
      const id = need('a model id');
      const change = await service.useModel({ id });
      const chosen = (await service.models()).models.find((m) => m.id === id);
      const licence = chosen ? `${licenceLine(chosen)}\n` : '';
      if (!change.pending) {
        print(change, `${id} is the active model.\n${licence}`);
        return 0;
      }
      if (!args.json) {
        io.out.write(licence);
        io.out.write(`Switching to ${id}: ${change.toEmbed} photos to embed. Search keeps using the current model until this is done.\n`);
        io.out.write('Ctrl-C stops; `photo-search index` continues the switch later.\n');
      }
      return args.reindex();
    }
    case 'import': {
      const listing = await service.importModel({ path: need('a model folder'), id: args.id });
      print(listing, `Imported ${listing.id}${listing.active ? ' (active)' : `. Use it with \`photo-search models use ${listing.id}\``}.\n`);
      return 0;
    }
    case 'remove': {
      const result = await service.removeModel({ id: need('a model id') });
      print(result, `Removed ${result.removed}.\n`);
      return 0;
    }
    default:
      throw new InputError(sub, `Unknown models subcommand "${sub}". Subcommands: ${SUBCOMMANDS}.`);
  }
}

const RESTRICTIONS: Record<NonNullable<ModelListing['licenceRestriction']>, string> = {
  'non-commercial': 'non-commercial use only',
  'research-only': 'research use only',
};

/** The weights' licence, and in capitals when it restricts their use, so that nobody picks such a model by accident. */
function licenceLine(m: ModelListing): string {
  const restriction = m.licenceRestriction ? RESTRICTIONS[m.licenceRestriction] : null;
  if (restriction) return `Licence: ${m.licence ?? 'unknown'}. ${restriction.toUpperCase()}: check the licence before using these weights.`;
  return `Licence: ${m.licence ?? 'not in the catalog (see the model folder)'}.`;
}

function formatList(overview: ModelsOverview): string {
  const line = (m: ModelListing) => {
    const mark = m.active ? '*' : m.pending ? '>' : ' ';
    const state = m.installed ? `installed${m.variant === 'quantized' ? ' (int8)' : ''}` : m.downloadSizeMB ? `${m.downloadSizeMB} MB` : '';
    const tags = [m.isDefault ? 'default' : '', m.pending ? 'switching to it' : ''].filter(Boolean).join(', ');
    const int8 = int8ListNote(m);
    return `${mark} ${m.id.padEnd(26)} ${state.padEnd(18)} ${m.displayName}${tags ? ` [${tags}]` : ''}\n    ${m.whenToPick}\n    ${licenceLine(m)}${int8 ? `\n    ${int8}` : ''}`;
  };
  const lines = overview.models.map(line);
  if (overview.customModelDir) lines.push(`* active model folder (set with --model): ${overview.customModelDir}`);
  lines.push(`\nModels are installed in ${overview.modelsDir}. * active, > being switched to.`);
  return lines.join('\n') + '\n';
}
