import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// playwright-core is ~7 MB of JavaScript: about 1 s of CPU in each test worker that loads it
// (bench/RESULTS.md, helper test-speed7). A test that only reads the run's Chromium endpoint (to
// hand it to a process) takes it from shared-chromium.ts, which loads none of it; the fixture that
// connects (open-browser-context.ts) is for the tests that open a page.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = 'packages/cli/src/view/__fixtures__';

/** The test files and fixtures under `folder`, node_modules left out. */
function sourcesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !/[\\/](node_modules|dist)[\\/]/.test(path));
}

/** The names `source` imports as values (not `import type`) from a specifier ending in `from`. */
function valueImports(source: string, from: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/g)) {
    if (match[1] !== undefined || !(match[3] as string).endsWith(from)) continue;
    for (const name of (match[2] as string).split(',')) {
      const trimmed = name.trim();
      if (trimmed !== '' && !trimmed.startsWith('type ')) names.push(trimmed);
    }
  }
  return names;
}

describe('the run’s Chromium in test files', () => {
  it('shared-chromium.ts loads no playwright-core', () => {
    const source = readFileSync(join(ROOT, FIXTURES, 'shared-chromium.ts'), 'utf8');
    expect(source).not.toMatch(/from 'playwright-core'|import\('playwright-core'\)/);
  });

  it('a file that imports open-browser-context.ts opens a page with it', () => {
    const files = ['packages/cli/src', 'examples', 'test', 'scripts'].flatMap(sourcesUnder);
    const onlyEndpoint = files
      .filter((file) => {
        const names = valueImports(readFileSync(file, 'utf8'), '/open-browser-context.ts');
        return names.length > 0 && !names.includes('openBrowserContext');
      })
      .map((file) => relative(ROOT, file));
    // Such a file takes what it uses from shared-chromium.ts instead.
    expect(onlyEndpoint).toEqual([]);
  });
});
