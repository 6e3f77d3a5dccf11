import type { Filters, QueryTerm } from '../../../src-main/core/api/contract.ts';
import { DEFAULT_IMAGE_SHARE, buildTerms, mixesImageAndText, parseDraft, sameTarget, type Chip, type ChipDraft } from '../query/chips.ts';
import { NO_FILTERS, dateRangeProblem, toFilters, type FilterChoice } from '../query/filters.ts';

export interface SearchRequest {
  terms: QueryTerm[];
  filters: Filters;
}

/** What the user is asking for: committed chips, the text being typed, their balance, and the filters. */
export class QueryState {
  chips = $state<Chip[]>([]);
  draft = $state('');
  imageShare = $state(DEFAULT_IMAGE_SHARE);
  filters = $state<FilterChoice>({ ...NO_FILTERS });
  private nextKey = 1;

  /** Chips plus the text being typed, which counts as a chip while results update as you type. */
  get items(): ChipDraft[] {
    const typed = parseDraft(this.draft);
    return typed ? [...this.chips, typed] : this.chips;
  }

  get mixed(): boolean {
    return mixesImageAndText(this.items);
  }

  get filterProblem(): string | null {
    return dateRangeProblem(this.filters);
  }

  /** The search to run, or null while there is nothing to search for. */
  get request(): SearchRequest | null {
    const items = this.items;
    if (items.length === 0 || this.filterProblem) return null;
    return { terms: buildTerms(items, this.imageShare), filters: toFilters(this.filters) };
  }

  add(chip: ChipDraft): void {
    if (this.chips.some((c) => sameTarget(c, chip) && c.negative === chip.negative)) return;
    this.chips = [...this.chips.filter((c) => !sameTarget(c, chip)), { ...chip, key: this.nextKey++ }];
  }

  /** Enter in the box: the typed text becomes a chip. */
  commitDraft(): boolean {
    const typed = parseDraft(this.draft);
    if (!typed) return false;
    this.add(typed);
    this.draft = '';
    return true;
  }

  remove(key: number): void {
    this.chips = this.chips.filter((c) => c.key !== key);
  }

  removeLast(): void {
    this.chips = this.chips.slice(0, -1);
  }

  toggleNegative(key: number): void {
    this.chips = this.chips.map((c) => (c.key === key ? { ...c, negative: !c.negative } : c));
  }

  clearFilters(): void {
    this.filters = { ...NO_FILTERS };
  }
}
