/** Command line of `npm run bench -- [options]`. */
export const SECTIONS = ['indexing', 'query', 'vectors', 'cold-start', 'concurrent', 'incremental', 'int8', 'models', 'learn', 'ocr', 'ui'] as const;
export type SectionId = (typeof SECTIONS)[number];

export interface BenchOptions {
  /** Library sizes for the query, vector and cold-start sections. */
  sizes: number[];
  sections: SectionId[];
  /** Repetitions of every measurement; figures are the median of these. */
  runs: number;
  /** Generated 12-megapixel JPEGs for the indexing section. */
  photos: number;
  /** Distinct text queries per latency run. */
  queries: number;
  quick: boolean;
  save: boolean;
}

export const USAGE = `usage: npm run bench -- [--sizes 10k,100k,1m] [--sections ${SECTIONS.join(',')}] [--runs N] [--photos N] [--quick] [--no-save]
  --sizes     library sizes for query latency, vector search and cold start (default 10k,100k)
  --sections  which sections to run (default all)
  --runs      repetitions of each measurement (default 3)
  --photos    12-megapixel JPEGs to index (default 300)
  --quick     smoke run: one 2k library, 24 photos, 2 runs, fewer queries
  --no-save   print the table without writing bench/results`;

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a library size (e.g. 10k, 100k, 1m)`);
  const scale = { '': 1, k: 1_000, m: 1_000_000 }[m[2].toLowerCase() as '' | 'k' | 'm'];
  const size = Math.round(Number(m[1]) * scale);
  if (size < 100) throw new Error(`library size ${text} is too small to measure (at least 100)`);
  return size;
}

export function formatSize(size: number): string {
  if (size >= 1_000_000 && size % 1_000_000 === 0) return `${size / 1_000_000}m`;
  if (size >= 1_000 && size % 1_000 === 0) return `${size / 1_000}k`;
  return String(size);
}

function positiveInt(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive whole number`);
  return n;
}

export function parseArgs(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const opts: BenchOptions = {
    sizes: quick ? [2_000] : [10_000, 100_000],
    sections: [...SECTIONS],
    runs: quick ? 2 : 3,
    photos: quick ? 24 : 300,
    queries: quick ? 20 : 60,
    quick,
    save: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--quick':
        break;
      case '--no-save':
        opts.save = false;
        break;
      case '--sizes':
        opts.sizes = [...new Set(value().split(',').map(parseSize))].sort((a, b) => a - b);
        break;
      case '--sections': {
        const wanted = value().split(',');
        const unknown = wanted.filter((s) => !(SECTIONS as readonly string[]).includes(s));
        if (unknown.length > 0) throw new Error(`unknown section ${unknown.join(', ')}; sections: ${SECTIONS.join(', ')}`);
        opts.sections = SECTIONS.filter((s) => wanted.includes(s));
        break;
      }
      case '--runs':
        opts.runs = positiveInt(flag, value());
        break;
      case '--photos':
        opts.photos = positiveInt(flag, value());
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  return opts;
}
