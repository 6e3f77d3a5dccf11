import path from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import boundaries from '../../../build/eslint/import-boundaries.ts';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' } });
const at = (file: string) => path.join(process.cwd(), file);
const rule = boundaries.rules['import-boundaries'];

/** One row per boundary: an import that crosses it, and the same file importing what it may. */
tester.run('import-boundaries', rule, {
  valid: [
    { filename: at('src-main/core/search/search.ts'), code: "import { openDatabase } from '../store/database.ts';" },
    { filename: at('src-main/core/store/photos.ts'), code: "import type { PhotoSummary } from '../api/contract.ts';" },
    { filename: at('src-main/core/media/decode.ts'), code: "import sharp from 'sharp'; import fs from 'node:fs';" },
    { filename: at('src-renderer/App.svelte.ts'), code: "import type { SearchHit } from '../src-main/core/api/contract.ts';" },
    { filename: at('src-renderer/lib/query/chips.ts'), code: "import { parseQuery } from '../../../src-main/core/search/query-language.ts';" },
    { filename: at('src-main/core/api/contract.ts'), code: "import { z } from 'zod';" },
    { filename: at('src-main/cli/main.ts'), code: "import { PhotoSearchService } from '../core/api/service.ts';" },
    { filename: at('src-main/electron/main.ts'), code: "import { app } from 'electron'; import { defaultLibraryDir } from '../core/api/files.ts';" },
    { filename: at('test/unit/store/x.test.ts'), code: "import { openDatabase } from '../../../src-main/core/store/database.ts';" },
    { filename: at('src-main/core/text/detector.ts'), code: "import * as ort from '../models/onnxruntime.ts';" },
    { filename: at('src-main/core/models/session-worker.ts'), code: "import type * as ort from 'onnxruntime-node';" },
  ],
  invalid: [
    { filename: at('src-main/core/api/service.ts'), code: "import { app } from 'electron';", errors: [{ messageId: 'boundary' }] },
    { filename: at('src-main/core/indexer/x.ts'), code: "const e = await import('electron/main');", errors: [{ messageId: 'boundary' }] },
    { filename: at('src-renderer/lib/format.ts'), code: "import path from 'node:path';", errors: [{ messageId: 'boundary' }] },
    { filename: at('src-renderer/lib/format.ts'), code: "import fs from 'fs';", errors: [{ messageId: 'boundary' }] },
    {
      filename: at('src-renderer/App.svelte.ts'),
      code: "import { PhotoSearchService } from '../src-main/core/api/service.ts';",
      errors: [{ messageId: 'boundary' }],
    },
    { filename: at('src-main/core/api/contract.ts'), code: "import path from 'node:path';", errors: [{ messageId: 'boundary' }] },
    { filename: at('src-main/core/api/contract.ts'), code: "import { InputError } from '../errors.ts';", errors: [{ messageId: 'boundary' }] },
    { filename: at('src-main/core/search/query-language.ts'), code: "import sharp from 'sharp';", errors: [{ messageId: 'boundary' }] },
    { filename: at('src-main/core/store/photos.ts'), code: "import { searchLibrary } from '../search/search.ts';", errors: [{ messageId: 'boundary' }] },
    { filename: at('src-main/core/vectors/x.ts'), code: "import { indexLibrary } from '../indexer/indexer.ts';", errors: [{ messageId: 'boundary' }] },
    { filename: at('src-main/core/media/x.ts'), code: "export { PhotoSearchService } from '../api/service.ts';", errors: [{ messageId: 'boundary' }] },
    { filename: at('src-main/core/models/x.ts'), code: "import { searchInputSchema } from '../api/contract.ts';", errors: [{ messageId: 'boundary' }] },
    { filename: at('src-main/cli/main.ts'), code: "import { LibraryStore } from '../core/store/library-store.ts';", errors: [{ messageId: 'boundary' }] },
    { filename: at('src-main/server/server.ts'), code: "import { InputError } from '../core/errors.ts';", errors: [{ messageId: 'boundary' }] },
    {
      filename: at('src-main/electron/main.ts'),
      code: "import { writeFileAtomic } from '../core/vectors/atomic-file.ts';",
      errors: [{ messageId: 'boundary' }],
    },
    { filename: at('src-main/preload/index.ts'), code: "import { searchLibrary } from '../core/search/search.ts';", errors: [{ messageId: 'boundary' }] },
    { filename: at('src-main/core/text/detector.ts'), code: "import * as ort from 'onnxruntime-node';", errors: [{ messageId: 'boundary' }] },
  ],
});
