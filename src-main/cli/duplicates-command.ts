import type { ParseArgsConfig } from 'node:util';
import type { DuplicateMember, DuplicateReport } from '../core/api/contract.ts';
import type { PhotoSearchService } from '../core/api/service.ts';
import { formatBytes } from './format.ts';
import { numberOption } from './args.ts';

export const duplicatesOptions = {
  threshold: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

interface Io {
  out: NodeJS.WritableStream;
}

function day(member: DuplicateMember): string {
  return member.takenLocal?.slice(0, 10) ?? new Date(member.mtimeMs).toISOString().slice(0, 10);
}

function memberLine(member: DuplicateMember, kept: boolean): string {
  const size = `${member.width}x${member.height}`.padEnd(10);
  const close = kept ? '' : `  (similarity ${member.similarity.toFixed(3)})`;
  return `  ${kept ? 'keep' : '    '}  ${size} ${member.format.padEnd(5)} ${formatBytes(member.size).padStart(8)}  ${day(member)}  ${member.displayPath ?? member.path}${close}`;
}

/** The report as a person reads it: each group with the photo to keep first and why. */
export function formatDuplicates(report: DuplicateReport): string {
  const lines: string[] = [];
  if (report.groups.length === 0) lines.push(`No near-duplicates among ${report.photos} photos (similarity ${report.threshold}).`);
  else {
    const freed = report.groups.reduce((sum, g) => sum + g.reclaimableBytes, 0);
    lines.push(
      `${report.groups.length} ${report.groups.length === 1 ? 'group' : 'groups'} of near-duplicates among ${report.photos} photos (similarity ${report.threshold}); ` +
        `keeping one of each would free ${formatBytes(freed)}. Nothing is deleted: the files are listed for you to decide.`,
    );
    report.groups.forEach((group, i) => {
      lines.push(`Group ${i + 1}: keep the first (${group.reasons.join(', ')})`);
      group.photos.forEach((member, j) => lines.push(memberLine(member, j === 0)));
    });
  }
  if (report.unhashed > 0) lines.push(`${report.unhashed} photos are not checked yet; \`photo-search index\` prepares them.`);
  return lines.join('\n') + '\n';
}

/** `photo-search duplicates [--threshold 0.5..1]`: groups of near-identical photos, the one to keep first. */
export async function duplicatesCommand(service: PhotoSearchService, values: Record<string, unknown>, io: Io): Promise<number> {
  const threshold = numberOption('threshold', values.threshold as string | undefined, 0.5, 1);
  const report = await service.duplicates({ threshold });
  io.out.write(values.json ? `${JSON.stringify(report)}\n` : formatDuplicates(report));
  return 0;
}
