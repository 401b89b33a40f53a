import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { GUARDED_TEST_LIMIT_MS, runGuarded } from '../scripts/run-guarded.ts';

// The type tests (`*.test-d.ts`: expectTypeOf, @ts-expect-error) are checked by the `tsc -b` that
// `npm test` runs before Vitest, in the packages' tsconfig.test.json projects. Vitest's own
// typecheck ran the same files through a second, non-incremental tsc, in a group of its own after
// every other test (about 6 s at the end of each run, checking nothing tsc -b had not). These
// tests keep the one check real: each type test is in a project that the root build references.

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * The files that the projects referenced by `rootConfig` (what `tsc -b` builds) type-check as
 * their own, asked of tsc itself, for the projects whose folder holds one of `typeTests`: each
 * project's root files, its `files`, `include` and `exclude` expanded by `--showConfig`. A type
 * test is a root or nothing (no file imports one), so the roots are the files that matter, and
 * `--showConfig` reads no module: 0.16 s of CPU a project against 1.7 s for the whole program's
 * `--listFilesOnly`, which this used before (core's test project, load ~10; bench/RESULTS.md,
 * test-speed15).
 */
async function filesCheckedByBuild(
  rootConfig: string,
  typeTests: readonly string[],
): Promise<Set<string>> {
  const { references = [] } = JSON.parse(readFileSync(rootConfig, 'utf8')) as {
    references?: { path: string }[];
  };
  const projects = references
    .map(({ path }) => resolve(dirname(rootConfig), path))
    .map((path) => (path.endsWith('.json') ? path : join(path, 'tsconfig.json')))
    .filter((config) =>
      typeTests.some((file) => !relative(dirname(config), file).startsWith('..')),
    );
  const roots = await Promise.all(
    projects.map(async (config) => {
      const { stdout } = await runGuarded(process.execPath, [TSC, '--showConfig', '-p', config]);
      const { files = [] } = JSON.parse(stdout) as { files?: string[] };
      return files.map((file) => resolve(dirname(config), file));
    }),
  );
  return new Set(roots.flat());
}

/** Every `*.test-d.ts` under `folder`, node_modules and build output left out. */
function typeTestsUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test-d.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !/[\\/](node_modules|dist)[\\/]/.test(path));
}

/** The type tests under `folder` that no project of the root build checks. */
async function uncheckedTypeTests(rootConfig: string, folder: string): Promise<string[]> {
  const typeTests = typeTestsUnder(folder);
  const checked = await filesCheckedByBuild(rootConfig, typeTests);
  return typeTests
    .filter((path) => !checked.has(resolve(path)))
    .map((path) => relative(dirname(rootConfig), path));
}

describe('type tests', () => {
  it('npm test runs tsc -b, then the bundle of core, before Vitest', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts['test']).toMatch(
      /(^|&& )tsc -b && node scripts\/bundle-core\.mjs --if-stale && vitest run( |$)/,
    );
  });

  // One `tsc --showConfig` per package project, all at once, under the hang guard (killed when
  // hung or runaway), the test's limit above it (a minute is a hang guard at load 50).
  it('every *.test-d.ts of the packages is in a project that tsc -b checks', {
    timeout: GUARDED_TEST_LIMIT_MS,
  }, async () => {
    const typeTests = typeTestsUnder(join(ROOT, 'packages'));
    // The files this check is about exist (a wrong folder would make it pass on nothing).
    expect(typeTests.length).toBeGreaterThanOrEqual(10);
    expect(await uncheckedTypeTests(join(ROOT, 'tsconfig.json'), join(ROOT, 'packages'))).toEqual(
      [],
    );
  });
});

describe('type tests check on a planted build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-type-tests-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a type test that the referenced project leaves out', async () => {
    const write = (path: string, text: string): void => {
      writeFileSync(join(dir, path), text);
    };
    write('a.ts', 'export const a = 1;\n');
    write('a.test-d.ts', "import { a } from './a.ts';\nexport const b: number = a;\n");
    write(
      'tsconfig.lib.json',
      JSON.stringify({
        compilerOptions: { composite: true, allowImportingTsExtensions: true, noEmit: true },
        include: ['*.ts'],
        exclude: ['*.test-d.ts'],
      }),
    );
    write(
      'tsconfig.json',
      JSON.stringify({ files: [], references: [{ path: './tsconfig.lib.json' }] }),
    );
    expect(await uncheckedTypeTests(join(dir, 'tsconfig.json'), dir)).toEqual(['a.test-d.ts']);

    // Once the project includes it, nothing is left unchecked.
    write(
      'tsconfig.lib.json',
      JSON.stringify({
        compilerOptions: { composite: true, allowImportingTsExtensions: true, noEmit: true },
        include: ['*.ts'],
      }),
    );
    expect(await uncheckedTypeTests(join(dir, 'tsconfig.json'), dir)).toEqual([]);
  });
});
