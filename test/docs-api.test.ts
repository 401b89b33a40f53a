import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { GUARDED_TEST_LIMIT_MS, runGuarded } from '../scripts/run-guarded.ts';
import { reuseApiReference } from './fixtures/api-reference-cache.ts';

// `npm run docs:api` as a test: TypeDoc runs with treatWarningsAsErrors, so a broken {@link}, an
// unknown tag or a public type that is not exported fails `npm test`, not only the docs build.
// A run whose packages' declarations, doc comments and docs setup are those of the last passing
// build reads that build's reference instead of running TypeDoc again (~13 s of CPU):
// fixtures/api-reference-cache.ts, and api-reference-cache.test.ts for what makes it build anew.

const root = fileURLToPath(new URL('../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'gemloop-api-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the API reference', () => {
  it(
    'builds from the TSDoc of every public entry point with no TypeDoc warning',
    async () => {
      // TypeDoc is ~14 s of CPU; its 170 s wall limit fired at load 40-95 while it worked (13.7 s
      // of CPU by then: bench/RESULTS.md). The guard kills it when it hangs or runs away instead.
      const { out: pages } = await reuseApiReference(root, out, async (into) => {
        const result = await runGuarded(process.execPath, ['docs/build-api.mjs', '--out', into], {
          cwd: root,
        }).catch((error: Error) => {
          throw new Error(`npm run docs:api failed: ${error.message}`, { cause: error });
        });
        expect(result.stderr).toBe('');
      });
      const index = readFileSync(join(pages, 'README.md'), 'utf8');
      const coreSubpaths = Object.keys(
        JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8')).exports,
      )
        .filter((subpath) => subpath !== '.' && subpath !== './package.json')
        .map((subpath) => `@gemloop/core/${subpath.slice(2)}`);
      expect(coreSubpaths).toEqual(expect.arrayContaining(['@gemloop/core/wire']));
      const packages = ['@gemloop/core', '@gemloop/testing', '@gemloop/tools', 'gemloop'];
      for (const module of [...packages, ...coreSubpaths]) {
        expect(index).toContain(`[${module}]`);
      }
      // A link from one entry point to a name another exports resolves (createLogger is in
      // /logging, InvalidArgumentError in /errors and the root).
      expect(
        readFileSync(join(pages, '@gemloop/core/logging/functions/createLogger.md'), 'utf8'),
      ).toMatch(/\[InvalidArgumentError\]\([^)]*InvalidArgumentError\.md\)/);
      const core = readFileSync(join(pages, '@gemloop/core', 'README.md'), 'utf8');
      expect(core).toContain('createAgent');
      expect(
        readFileSync(join(pages, '@gemloop/core', 'functions', 'createAgent.md'), 'utf8'),
      ).toMatch(/## Example/);
      // The fake is its own package now, documented under its own name.
      expect(readFileSync(join(pages, '@gemloop/testing', 'README.md'), 'utf8')).toContain(
        'createFakeGemini',
      );
    },
    GUARDED_TEST_LIMIT_MS,
  );
});
