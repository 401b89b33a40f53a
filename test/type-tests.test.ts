import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { GUARDED_TEST_LIMIT_MS, runGuarded, TYPESCRIPT_GO_HEAP } from '../scripts/run-guarded.ts';

// The type tests (`*.test-d.ts`: expectTypeOf, @ts-expect-error) are checked by the `tsc -b` that
// `npm test` runs before Vitest, in the packages' tsconfig.test.json projects. Vitest's own
// typecheck ran the same files through a second, non-incremental tsc, in a group of its own after
// every other test (about 6 s at the end of each run, checking nothing tsc -b had not). These
// tests keep the one check real: each type test is in a project that the root build references.

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * The files that the projects referenced by `rootConfig` (what `tsc -b` builds) type-check, asked
 * of tsc itself (`--listFilesOnly`), for the projects whose folder holds one of `typeTests`.
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
  // `--singleThreaded`: TypeScript 7 parses a program on several threads by default, which on
  // two cores shared with the rest of the run only adds work (one core project's listing, ABAB
  // at load 45: 1.69, 1.57 -> 1.41, 1.36 s of CPU); the listing is the same.
  const listings = await Promise.all(
    projects.map((config) =>
      runGuarded(process.execPath, [TSC, '--listFilesOnly', '--singleThreaded', '-p', config], {
        env: { ...process.env, ...TYPESCRIPT_GO_HEAP },
      }),
    ),
  );
  return new Set(
    listings.flatMap(({ stdout }) =>
      stdout
        .split('\n')
        .filter(Boolean)
        .map((file) => resolve(file)),
    ),
  );
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
  it('npm test runs tsc -b before Vitest', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts['test']).toMatch(/(^|&& )tsc -b && vitest run( |$)/);
  });

  // One `tsc --listFilesOnly` per package project, all at once: each resolves its whole program,
  // about a second of CPU, so on two busy cores the default 5 s did not fit the work (5.06 s in a
  // full npm test), and a minute is ~40 s of wall for each at load 50. The listings run under the
  // hang guard (killed when hung or runaway), the test's limit above it.
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
