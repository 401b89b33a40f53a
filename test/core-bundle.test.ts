import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GUARDED_TEST_LIMIT_MS, runGuarded } from '../scripts/run-guarded.ts';

// scripts/bundle-core.mjs writes @gemloop/core's JavaScript as esbuild's shared chunks (tsc writes
// the declarations only). These tests prove the build the package ships: one copy of every
// module whatever entries an app imports, nothing in `dist` beside the entries and their chunks,
// maps that point at the shipped sources, and a bundle older than its sources named as such.

/** What this file uses of scripts/bundle-core.mjs (plain JavaScript, without declarations). */
type CoreBundler = {
  CORE: string;
  listCoreEntries: (coreDirectory?: string) => string[];
  bundleCore: (coreDirectory?: string) => Promise<{ outputs: string[] }>;
  findCoreBundleStaleness: (coreDirectory?: string) => Promise<string | undefined>;
};

const bundler = (await import(
  new URL('../scripts/bundle-core.mjs', import.meta.url).href
)) as CoreBundler;
const CORE = bundler.CORE;
const DIST = join(CORE, 'dist');
const entryOutputs = bundler.listCoreEntries().map((entry) => entry.replace(/\.ts$/, '.js'));

/** Every `.js` file of core's `dist`, relative to it. */
function distJavaScript(): string[] {
  return readdirSync(DIST, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => relative(DIST, join(entry.parentPath, entry.name)))
    .sort();
}

/** The relative specifiers a bundled file imports (static, re-exported, or by `import()`). */
function relativeImports(file: string): string[] {
  const text = readFileSync(join(DIST, file), 'utf8');
  const found = text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)"(\.\.?\/[^"]+)"/g);
  return [...found].map((match) => match[1] as string);
}

describe("core's bundled dist", { timeout: GUARDED_TEST_LIMIT_MS }, () => {
  it('is current: the global setup bundled what changed since the last build', async () => {
    expect(await bundler.findCoreBundleStaleness()).toBeUndefined();
  });

  it('gives every export one instance across all the entries, in one process', async () => {
    // Plain node, no source condition: the built files load, as an install's do.
    const child = fileURLToPath(new URL('./core-bundle/import-every-entry.mjs', import.meta.url));
    const { stdout } = await runGuarded(process.execPath, [child, CORE, ...entryOutputs], {
      cwd: CORE,
    });
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(report.copies).toEqual([]);
    // A class the bundler renamed (`var X = class _X` when its body names itself) reads `_X`.
    expect(report.renamed).toEqual([]);
    expect(report.sameGemloopError).toBe(true);
    expect(report.instanceAcross).toBe(true);
    expect(report.exports).toBeGreaterThan(300);
  });

  it('holds the entries and their chunks only, each import of one of them found', () => {
    const files = distJavaScript();
    const chunks = files.filter((file) => file.startsWith('_chunks/'));
    // No module tsc emitted beside the chunks: an entry could reach it as a second copy.
    expect(files.filter((file) => !file.startsWith('_chunks/'))).toEqual([...entryOutputs].sort());
    expect(existsSync(join(DIST, 'agent/create-agent.js'))).toBe(false);
    const reached = new Set<string>();
    for (const file of files) {
      for (const specifier of relativeImports(file)) {
        const target = relative(DIST, resolve(DIST, dirname(file), specifier));
        expect(files, `${file} imports ${specifier}`).toContain(target);
        reached.add(target);
      }
    }
    // Every chunk is some entry's: none is left over from an older bundle.
    expect(chunks.filter((chunk) => !reached.has(chunk))).toEqual([]);
  });

  it("maps every output to core's shipped TypeScript sources", () => {
    for (const file of distJavaScript()) {
      const map = JSON.parse(readFileSync(join(DIST, `${file}.map`), 'utf8')) as {
        sources: string[];
      };
      const sources = map.sources.map((source) => resolve(DIST, dirname(file), source));
      const outside = sources.filter(
        (source) => !source.startsWith(join(CORE, 'src')) || !existsSync(source),
      );
      expect(outside, file).toEqual([]);
    }
  });
});

describe('findCoreBundleStaleness', { timeout: GUARDED_TEST_LIMIT_MS }, () => {
  const made: string[] = [];
  afterEach(() => {
    for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
  });

  /** A package shaped as core (an exports map, `src/platform/{node,web}`), bundled once. */
  async function bundledPackage(): Promise<string> {
    const directory = mkdtempSync(join(tmpdir(), 'gemloop-core-bundle-'));
    made.push(directory);
    const files: Record<string, string> = {
      'package.json': JSON.stringify({
        name: 'bundle-probe',
        type: 'module',
        exports: { '.': './dist/index.js', './extra': './dist/extra/index.js' },
      }),
      'src/index.ts': "export { shared } from './shared.ts';\n",
      'src/extra/index.ts': "export { shared } from '../shared.ts';\n",
      'src/shared.ts': 'export const shared: object = {};\n',
      'src/platform/node/clock.ts': 'export const clock = (): number => 1;\n',
      'src/platform/web/clock.ts': 'export const clock = (): number => 2;\n',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(directory, path)), { recursive: true });
      writeFileSync(join(directory, path), text);
    }
    await bundler.bundleCore(directory);
    return directory;
  }

  it('is undefined after a bundle, and names an edited source', async () => {
    const directory = await bundledPackage();
    expect(await bundler.findCoreBundleStaleness(directory)).toBeUndefined();
    // The two entries share `shared.ts` through one chunk.
    expect(
      readdirSync(join(directory, 'dist/_chunks')).filter((f) => f.endsWith('.js')),
    ).toHaveLength(1);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(directory, 'src/shared.ts'), later, later);
    expect(await bundler.findCoreBundleStaleness(directory)).toBe(
      'src/shared.ts changed after the bundle was written',
    );
  });

  it('counts a source written in the millisecond the bundle started as before it', async () => {
    // The start is whole milliseconds, an mtime has fractions of one: compared as they were, a
    // source written just before the bundle read as edited after it (flake58b: 56 of 200 bundles
    // of a package written a moment before, at load 35).
    const directory = await bundledPackage();
    const { started } = JSON.parse(
      readFileSync(join(directory, 'dist/.bundle-info.json'), 'utf8'),
    ) as { started: number };
    const shared = join(directory, 'src/shared.ts');
    const at = (milliseconds: number) =>
      utimesSync(shared, milliseconds / 1000, milliseconds / 1000);
    at(started + 0.5);
    expect(await bundler.findCoreBundleStaleness(directory)).toBeUndefined();
    // Half way into the next millisecond, not its first instant: utimes takes seconds as a double,
    // and (started + 1) / 1000 can come back as ...0.999999 of the millisecond before (CI, stop 101).
    at(started + 1.5);
    expect(await bundler.findCoreBundleStaleness(directory)).toBe(
      'src/shared.ts changed after the bundle was written',
    );
  });

  it('names a missing bundle, a removed output and a changed exports map', async () => {
    const directory = await bundledPackage();
    rmSync(join(directory, 'dist/extra/index.js'));
    expect(await bundler.findCoreBundleStaleness(directory)).toBe('dist/extra/index.js is missing');
    const manifest = join(directory, 'package.json');
    writeFileSync(
      manifest,
      JSON.stringify({ name: 'bundle-probe', type: 'module', exports: './dist/index.js' }),
    );
    expect(await bundler.findCoreBundleStaleness(directory)).toBe(
      "core's package.json names other entries than the bundle's",
    );
    rmSync(join(directory, 'dist'), { recursive: true });
    expect(await bundler.findCoreBundleStaleness(directory)).toBe(
      "dist/.bundle-info.json is missing: core's JavaScript was never bundled",
    );
  });

  it('names the exports target whose source does not exist', async () => {
    const directory = await bundledPackage();
    writeFileSync(
      join(directory, 'package.json'),
      JSON.stringify({ name: 'bundle-probe', type: 'module', exports: './dist/gone.js' }),
    );
    await expect(bundler.bundleCore(directory)).rejects.toThrow(
      "core's package.json names dist/gone.js, but src/gone.ts does not exist: fix the exports map or add the source.",
    );
  });
});
