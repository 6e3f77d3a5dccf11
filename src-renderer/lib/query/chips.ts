import type { QueryTerm } from '../../../src-main/core/api/contract.ts';

interface ChipBase {
  key: number;
  /** A "not …" chip pushes matching photos down instead of pulling them up. */
  negative: boolean;
}

export interface TextChip extends ChipBase {
  kind: 'text';
  text: string;
}

/** A photo of the library used as an example ("Find similar"). */
export interface PhotoChip extends ChipBase {
  kind: 'photo';
  id: number;
  label: string;
}

/** An image file from outside the library, where the platform gives its path (the desktop app). */
export interface FileChip extends ChipBase {
  kind: 'file';
  path: string;
  label: string;
}

export type Chip = TextChip | PhotoChip | FileChip;
export type ChipDraft = Omit<TextChip, 'key'> | Omit<PhotoChip, 'key'> | Omit<FileChip, 'key'>;

/** Strength of each "not …" term, as in the command line's --not-weight default. */
export const NEGATIVE_WEIGHT = 0.5;
export const DEFAULT_IMAGE_SHARE = 0.5;

/** What the search box holds as a chip-to-be: `-word` is a negative term. */
export function parseDraft(draft: string): Omit<TextChip, 'key'> | null {
  const trimmed = draft.trim();
  const negative = trimmed.startsWith('-');
  const text = (negative ? trimmed.slice(1) : trimmed).trim();
  return text ? { kind: 'text', text, negative } : null;
}

function isImage(chip: ChipDraft): boolean {
  return chip.kind !== 'text';
}

/** True when the query mixes example images with text, which is when their balance matters. */
export function mixesImageAndText(chips: readonly ChipDraft[]): boolean {
  const positive = chips.filter((c) => !c.negative);
  return positive.some(isImage) && positive.some((c) => !isImage(c));
}

/**
 * The contract's weighted terms for a set of chips: positive text terms share
 * `1 - imageShare`, positive images share `imageShare` (each side gets everything
 * when the other is empty), and every negative term weighs -NEGATIVE_WEIGHT.
 */
export function buildTerms(chips: readonly ChipDraft[], imageShare: number): QueryTerm[] {
  const positive = chips.filter((c) => !c.negative);
  const texts = positive.filter((c) => !isImage(c)).length;
  const images = positive.filter(isImage).length;
  const textTotal = images ? 1 - imageShare : 1;
  const imageTotal = texts ? imageShare : 1;
  return chips.map((chip) => {
    const weight = chip.negative ? -NEGATIVE_WEIGHT : isImage(chip) ? imageTotal / images : textTotal / texts;
    if (chip.kind === 'text') return { kind: 'text', text: chip.text, weight };
    if (chip.kind === 'photo') return { kind: 'photo', id: chip.id, weight };
    return { kind: 'file', path: chip.path, weight };
  });
}

export function chipLabel(chip: ChipDraft): string {
  return chip.kind === 'text' ? chip.text : chip.label;
}

/** The same chip twice adds nothing; a repeat is recognised by what it points at. */
export function sameTarget(a: ChipDraft, b: ChipDraft): boolean {
  if (a.kind === 'text' && b.kind === 'text') return a.text.toLowerCase() === b.text.toLowerCase();
  if (a.kind === 'photo' && b.kind === 'photo') return a.id === b.id;
  if (a.kind === 'file' && b.kind === 'file') return a.path === b.path;
  return false;
}
