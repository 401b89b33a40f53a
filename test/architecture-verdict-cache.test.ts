import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cruiseInputsKey, reusePassingVerdict } from './fixtures/architecture-verdict-cache.ts';

// architecture.test.ts takes the last passing cruise's verdict while no input changed: here, on a
// planted repository, each kind of change to an input is another key, what no cruise reads is
// not, and only a pass is kept.

const trees = mkdtempSync(join(tmpdir(), 'gemloop-verdict-cache-'));
afterAll(() => rmSync(trees, { recursive: true, force: true }));

const WRITTEN = new Date('2026-01-01T00:00:00Z');

function put(root: string, path: string, text: string, when = WRITTEN): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  utimesSync(file, when, when);
}

let planted = 0;
/** A repository of one package and an example, installed, built, with a README. */
function plantRepository(): string {
  planted += 1;
  const root = join(trees, `repo-${planted}`);
  mkdirSync(root, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: root });
  put(root, '.gitignore', 'node_modules/\ndist/\n.vitest-results.json\n');
  put(root, 'package.json', '{"name":"root"}\n');
  put(root, 'pnpm-lock.yaml', 'lockfileVersion: 9\n');
  put(root, '.dependency-cruiser.mjs', 'export default { forbidden: [] };\n');
  put(root, 'packages/a/package.json', '{"name":"a","exports":{".":"./src/index.ts"}}\n');
  put(root, 'packages/a/src/index.ts', 'export const one = 1;\n');
  put(root, 'packages/a/dist/index.js', 'export const one = 1;\n');
  put(root, 'packages/a/README.md', '# a\n');
  put(root, 'examples/use-a.ts', "import { one } from 'a';\nconsole.log(one);\n");
  put(root, 'node_modules/.modules.yaml', 'layoutVersion: 5\n');
  put(root, 'node_modules/zod/package.json', '{"name":"zod"}\n');
  return root;
}

describe('the architecture check reuses a passing verdict only for the same inputs', () => {
  it('is the same key for the same files, whatever the folder is called', () => {
    const key = cruiseInputsKey(plantRepository(), ['packages']);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(cruiseInputsKey(plantRepository(), ['packages'])).toBe(key);
  });

  it.each([
    [
      'a source edited (same size)',
      (root: string) => put(root, 'packages/a/src/index.ts', 'export const one = 2;\n', new Date()),
    ],
    [
      'a source added',
      (root: string) => put(root, 'packages/a/src/two.ts', 'export const two = 2;\n'),
    ],
    ['a source removed', (root: string) => rmSync(join(root, 'examples/use-a.ts'))],
    [
      'a source moved',
      (root: string) => {
        mkdirSync(join(root, 'packages/a/src/room'));
        renameSync(
          join(root, 'packages/a/src/index.ts'),
          join(root, 'packages/a/src/room/index.ts'),
        );
      },
    ],
    [
      'a package.json (its exports)',
      (root: string) =>
        put(root, 'packages/a/package.json', '{"name":"a","exports":{".":"./src/room.ts"}}\n'),
    ],
    [
      'the rules',
      (root: string) =>
        put(root, '.dependency-cruiser.mjs', 'export default { forbidden: [1] };\n'),
    ],
    ['the lockfile', (root: string) => put(root, 'pnpm-lock.yaml', 'lockfileVersion: 10\n')],
    [
      'an install',
      (root: string) => put(root, 'node_modules/.modules.yaml', 'layoutVersion: 5\n', new Date()),
    ],
  ])('is another key when %s', (_change, change) => {
    const root = plantRepository();
    const before = cruiseInputsKey(root, ['packages']);
    change(root);
    expect(cruiseInputsKey(root, ['packages'])).not.toBe(before);
  });

  // The architecture test's doNotFollow (test files): reached by the cruise, never read.
  const UNPARSED = /(\.test(-d)?\.ts$|\/__fixtures__\/)/;

  it("is the same key when only a test file's text changed, and another when one is added or removed", () => {
    const root = plantRepository();
    put(root, 'packages/a/src/index.test.ts', 'export const check = 1;\n');
    put(root, 'packages/a/src/__fixtures__/data.ts', 'export const data = 1;\n');
    const before = cruiseInputsKey(root, ['packages'], UNPARSED);
    // Without the pattern every file counts by its time and size.
    const everyFile = cruiseInputsKey(root, ['packages']);
    const edit = new Date();
    put(root, 'packages/a/src/index.test.ts', 'export const check = 22;\n', edit);
    put(root, 'packages/a/src/__fixtures__/data.ts', 'export const data = 22;\n', edit);
    expect(cruiseInputsKey(root, ['packages'], UNPARSED)).toBe(before);
    expect(cruiseInputsKey(root, ['packages'])).not.toBe(everyFile);
    put(root, 'packages/a/src/two.test.ts', 'export const two = 2;\n');
    const added = cruiseInputsKey(root, ['packages'], UNPARSED);
    expect(added).not.toBe(before);
    rmSync(join(root, 'packages/a/src/index.test.ts'));
    expect(cruiseInputsKey(root, ['packages'], UNPARSED)).not.toBe(added);
    // A production file next to them still counts by its time and size.
    const tests = cruiseInputsKey(root, ['packages'], UNPARSED);
    put(root, 'packages/a/src/index.ts', 'export const one = 2;\n', new Date());
    expect(cruiseInputsKey(root, ['packages'], UNPARSED)).not.toBe(tests);
  });

  it('is another key for other folders cruised', () => {
    const root = plantRepository();
    expect(cruiseInputsKey(root, ['packages'])).not.toBe(cruiseInputsKey(root, ['examples']));
  });

  it.each([
    ['a README', (root: string) => put(root, 'packages/a/README.md', '# a, edited\n', new Date())],
    [
      'a build',
      (root: string) =>
        put(root, 'packages/a/dist/index.js', 'export const one = 3;\n', new Date()),
    ],
    [
      "a run's own output, which git ignores",
      (root: string) => put(root, '.vitest-results.json', '{"passed":1}\n', new Date()),
    ],
    [
      'a dependency',
      (root: string) =>
        put(root, 'node_modules/zod/package.json', '{"name":"zod","v":4}\n', new Date()),
    ],
  ])('is the same key when only %s changed (no cruise reads it)', (_change, change) => {
    const root = plantRepository();
    const before = cruiseInputsKey(root, ['packages']);
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    change(root);
    expect(cruiseInputsKey(root, ['packages'])).toBe(before);
  });

  it('has no key outside a git work tree: the cruise runs every time', async () => {
    const root = join(trees, 'not-git');
    put(root, 'packages/a/src/index.ts', 'export const one = 1;\n');
    expect(cruiseInputsKey(root, ['packages'])).toBeUndefined();
    const cache = join(trees, 'cache-no-key');
    let cruises = 0;
    const cruise = async () => {
      cruises += 1;
      return [];
    };
    for (let run = 0; run < 2; run += 1) await reusePassingVerdict(cache, () => undefined, cruise);
    expect(cruises).toBe(2);
  });

  it('cruises once for the same key, and again for another', async () => {
    const cache = join(trees, 'cache-pass');
    let cruises = 0;
    const cruise = async () => {
      cruises += 1;
      return [];
    };
    expect(await reusePassingVerdict(cache, () => 'key-1', cruise)).toEqual({
      violations: [],
      reused: false,
    });
    expect(await reusePassingVerdict(cache, () => 'key-1', cruise)).toEqual({
      violations: [],
      reused: true,
    });
    expect(cruises).toBe(1);
    await reusePassingVerdict(cache, () => 'key-2', cruise);
    expect(cruises).toBe(2);
    expect(readdirSync(cache)).toEqual(['key-2']);
  });

  it('keeps no failing verdict: it is found again, with its messages', async () => {
    const cache = join(trees, 'cache-fail');
    const failing = async () => ['core-layer-errors: errors/a.ts imports http/b.ts'];
    for (let run = 0; run < 2; run += 1) {
      expect(await reusePassingVerdict(cache, () => 'key-1', failing)).toEqual({
        violations: ['core-layer-errors: errors/a.ts imports http/b.ts'],
        reused: false,
      });
    }
  });

  it('keeps no pass when an input changed while the cruise ran', async () => {
    const cache = join(trees, 'cache-changed');
    let key = 'before';
    const cruise = async () => {
      key = 'edited meanwhile';
      return [];
    };
    await reusePassingVerdict(cache, () => key, cruise);
    key = 'before';
    expect((await reusePassingVerdict(cache, () => key, cruise)).reused).toBe(false);
  });
});
