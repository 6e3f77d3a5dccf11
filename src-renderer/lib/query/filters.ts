import type { Filters } from '../../../src-main/core/api/contract.ts';

export interface FilterChoice {
  after: string;
  before: string;
  folder: string;
  type: string;
}

export const NO_FILTERS: FilterChoice = { after: '', before: '', folder: '', type: '' };

/** File types the engine filters by; each stands for its family (jpg also covers jpeg). */
export const FILE_TYPES: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'jpg', label: 'JPEG' },
  { value: 'heic', label: 'HEIC' },
  { value: 'png', label: 'PNG' },
  { value: 'webp', label: 'WebP' },
  { value: 'tif', label: 'TIFF' },
  { value: 'gif', label: 'GIF' },
  { value: 'avif', label: 'AVIF' },
];

export function toFilters(choice: FilterChoice): Filters {
  const filters: Filters = {};
  if (choice.after) filters.after = choice.after;
  if (choice.before) filters.before = choice.before;
  if (choice.folder) filters.folders = [choice.folder];
  if (choice.type) filters.types = [choice.type];
  return filters;
}

export function hasFilters(choice: FilterChoice): boolean {
  return Boolean(choice.after || choice.before || choice.folder || choice.type);
}

/** An empty date range is the user's slip, caught here instead of as an engine error. */
export function dateRangeProblem(choice: FilterChoice): string | null {
  return choice.after && choice.before && choice.after > choice.before ? `"From" (${choice.after}) is after "to" (${choice.before}).` : null;
}
