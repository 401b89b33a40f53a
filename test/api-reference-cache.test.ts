import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  API_REFERENCE_CACHE,
  apiReferenceKey,
  reuseApiReference,
} from './fixtures/api-reference-cache.ts';

// docs-api.test.ts reads the reference TypeDoc built last when the inputs are the same: here,
// on a planted repository, each kind of input changed makes it build anew, and what is not an
// input (a function's body, a test) does not.

const trees = mkdtempSync(join(tmpdir(), 'gemloop-api-cache-'));
afterAll(() => rmSync(trees, { recursive: true, force: true }));

const BUILT = new Date('2026-01-02T00:00:00Z');
const EDITED = new Date('2026-01-01T00:00:00Z');

/** Writes `text` at `path` under `root`, dated `when` (a source before its build by default). */
function put(root: string, path: string, text: string, when = EDITED): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  utimesSync(file, when, when);
}

let planted = 0;
/** A repository of one package, built after its sources were written. */
function plantRepository(): string {
  planted += 1;
  const root = join(trees, `repo-${planted}`);
  put(root, 'docs/build-api.mjs', '// the generator\n');
  put(root, 'pnpm-lock.yaml', 'lockfileVersion: 9\n');
  put(root, 'packages/a/package.json', '{"name":"a","exports":{".":"./dist/index.js"}}\n');
  put(
    root,
    'packages/a/src/index.ts',
    '/** Adds one. See {@link two}. */\nexport function one(x: number): number {\n  return x + 1;\n}\n',
  );
  put(root, 'packages/a/src/index.test.ts', "it('adds', () => {});\n");
  put(
    root,
    'packages/a/dist/index.d.ts',
    '/** Adds one. */\nexport declare function one(x: number): number;\n',
  );
  put(root, 'packages/a/dist/.tsbuildinfo', '{}', BUILT);
  return root;
}

/** A build that writes a README naming how many builds ran, and counts itself. */
function countingBuild() {
  const build = async (out: string) => {
    build.runs += 1;
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'README.md'), `build ${build.runs}\n`);
  };
  build.runs = 0;
  return build;
}

async function reference(root: string, build: ReturnType<typeof countingBuild>) {
  const out = mkdtempSync(join(trees, 'out-'));
  const result = await reuseApiReference(root, out, build);
  return { ...result, readme: readFileSync(join(result.out, 'README.md'), 'utf8') };
}

describe('the API reference test reuses the last build only for the same inputs', () => {
  it('reuses the reference built for the same inputs, the very pages it wrote', async () => {
    const root = plantRepository();
    const build = countingBuild();
    expect(await reference(root, build)).toMatchObject({ reused: false, readme: 'build 1\n' });
    expect(await reference(root, build)).toMatchObject({ reused: true, readme: 'build 1\n' });
    expect(build.runs).toBe(1);
  });

  it.each([
    [
      'a declaration',
      'packages/a/dist/index.d.ts',
      'export declare function one(x: string): number;\n',
    ],
    ['a new declaration file', 'packages/a/dist/two.d.ts', 'export declare const two: 2;\n'],
    ['a package.json (its entry points)', 'packages/a/package.json', '{"name":"a","exports":{}}\n'],
    ['the generator', 'docs/build-api.mjs', '// the generator, changed\n'],
    [
      'the lockfile (TypeDoc, TypeScript, the dependencies)',
      'pnpm-lock.yaml',
      'lockfileVersion: 10\n',
    ],
    [
      "a doc comment the declarations leave out (an overload's implementation)",
      'packages/a/src/index.ts',
      '/** Adds one. See {@link three}. */\nexport function one(x: number): number {\n  return x + 1;\n}\n',
    ],
  ])('builds anew when %s changed', async (_what, path, text) => {
    const root = plantRepository();
    const build = countingBuild();
    await reference(root, build);
    put(root, path, text);
    expect(await reference(root, build)).toMatchObject({ reused: false, readme: 'build 2\n' });
    // And keeps that build for the inputs as they are now, in place of the old one.
    expect(await reference(root, build)).toMatchObject({ reused: true, readme: 'build 2\n' });
    expect(readdirSync(join(root, API_REFERENCE_CACHE))).toHaveLength(1);
  });

  it.each([
    [
      "a function's body",
      'packages/a/src/index.ts',
      '/** Adds one. See {@link two}. */\nexport function one(x: number): number {\n  return 1 + x;\n}\n',
    ],
    ['a test', 'packages/a/src/index.test.ts', "it('adds one', () => {});\n"],
  ])('reuses it when only %s changed (TypeDoc reads neither)', async (_what, path, text) => {
    const root = plantRepository();
    const build = countingBuild();
    await reference(root, build);
    put(root, path, text);
    expect(await reference(root, build)).toMatchObject({ reused: true, readme: 'build 1\n' });
  });

  it('builds every time, and keeps nothing, while a source is newer than its build', async () => {
    const root = plantRepository();
    const build = countingBuild();
    await reference(root, build);
    // Edited after the last `tsc -b`: the declarations may not be the sources' any more.
    put(root, 'packages/a/src/index.ts', '/** Adds two. */\nexport const one = 2;\n', new Date());
    expect(apiReferenceKey(root)).toBeUndefined();
    expect(await reference(root, build)).toMatchObject({ reused: false, readme: 'build 2\n' });
    expect(await reference(root, build)).toMatchObject({ reused: false, readme: 'build 3\n' });
  });

  it('keeps nothing of a build that failed', async () => {
    const root = plantRepository();
    const failing = async (out: string) => {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'README.md'), 'half a reference\n');
      throw new Error('TypeDoc reported a warning');
    };
    await expect(
      reuseApiReference(root, mkdtempSync(join(trees, 'out-')), failing),
    ).rejects.toThrow('TypeDoc reported a warning');
    const build = countingBuild();
    expect(await reference(root, build)).toMatchObject({ reused: false, readme: 'build 1\n' });
  });
});
