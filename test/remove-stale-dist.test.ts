import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript without declarations (it runs on Node 20 as is).
import { findStaleDistFiles, removeStaleDistFiles } from '../scripts/remove-stale-dist.mjs';

const find = findStaleDistFiles as (directory: string) => string[];
const remove = removeStaleDistFiles as (directories: string[]) => string[];
const root = fileURLToPath(new URL('../', import.meta.url));

// `tsc -b` never deletes an output: a source moved away (`platform/*/api-call-error-of.ts`) left
// its `.js`, `.d.ts` and maps in every existing build, and `pnpm pack` ships the whole `dist/`.
describe('removeStaleDistFiles', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
  });

  function packageWith(files: Record<string, string>): string {
    const directory = mkdtempSync(join(tmpdir(), 'gemloop-stale-dist-'));
    made.push(directory);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(directory, path)), { recursive: true });
      writeFileSync(join(directory, path), text);
    }
    return directory;
  }

  const outputs = (base: string) =>
    Object.fromEntries(
      ['.js', '.js.map', '.d.ts', '.d.ts.map'].map((suffix) => [`dist/${base}${suffix}`, 'x']),
    );

  it("removes the outputs of a moved source, a test's and a fixture's, and keeps the rest", () => {
    const directory = packageWith({
      'src/index.ts': '',
      'src/platform/node/describe-error.ts': '',
      'src/view/page.tsx': '',
      'src/a.test.ts': '',
      'src/__fixtures__/f.ts': '',
      ...outputs('index'),
      ...outputs('platform/node/describe-error'),
      ...outputs('view/page'),
      // The source that moved away: its outputs stayed.
      ...outputs('platform/node/api-call-error-of'),
      ...outputs('platform/web/api-call-error-of'),
      // Outputs of files tsconfig excludes (built once by hand, say).
      ...outputs('a.test'),
      ...outputs('__fixtures__/f'),
      'dist/.tsbuildinfo': '{}',
      'dist/.tsbuildinfo-test': '{}',
    });
    const stale = find(directory).map((file) => file.slice(directory.length + 1));
    expect(stale).toEqual(
      [
        ...Object.keys(outputs('__fixtures__/f')),
        ...Object.keys(outputs('a.test')),
        ...Object.keys(outputs('platform/node/api-call-error-of')),
        ...Object.keys(outputs('platform/web/api-call-error-of')),
      ].sort(),
    );

    expect(remove([directory])).toHaveLength(stale.length);
    for (const file of stale) expect(existsSync(join(directory, file)), file).toBe(false);
    // The folders they leave empty go too; the rest stays as it was, tsc's build info included.
    expect(existsSync(join(directory, 'dist/platform/web'))).toBe(false);
    expect(existsSync(join(directory, 'dist/__fixtures__'))).toBe(false);
    for (const kept of [
      ...Object.keys(outputs('index')),
      ...Object.keys(outputs('platform/node/describe-error')),
      ...Object.keys(outputs('view/page')),
      'dist/.tsbuildinfo',
      'dist/.tsbuildinfo-test',
    ]) {
      expect(readFileSync(join(directory, kept), 'utf8'), kept).not.toBe(undefined);
    }
    // Nothing left to remove, and a package that was never built has nothing at all.
    expect(find(directory)).toEqual([]);
    expect(find(packageWith({ 'src/index.ts': '' }))).toEqual([]);
  });

  it("keeps the chunks core's bundle lists (no source of their own) and removes an unlisted one", () => {
    const directory = packageWith({
      'src/index.ts': '',
      'dist/index.js': 'x',
      'dist/_chunks/chunk-A.js': 'x',
      'dist/_chunks/chunk-A.js.map': 'x',
      'dist/_chunks/chunk-B.js': 'x',
      'dist/.bundle-info.json': JSON.stringify({
        outputs: ['index.js', '_chunks/chunk-A.js', '_chunks/chunk-A.js.map'],
      }),
    });
    expect(find(directory)).toEqual([join(directory, 'dist/_chunks/chunk-B.js')]);
  });

  it('runs after the build and before every pack', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
    expect(scripts.build).toBe(
      'tsc -b && node scripts/bundle-core.mjs --if-stale && node scripts/remove-stale-dist.mjs',
    );
    const pack = readFileSync(join(root, 'scripts/pack.mjs'), 'utf8');
    const removal = pack.indexOf('removeStaleDistFiles(packages.map');
    expect(removal).toBeGreaterThan(pack.indexOf("'-b'"));
    expect(removal).toBeLessThan(pack.indexOf("'pack'"));
  });
});
