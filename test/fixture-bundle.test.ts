import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleFixture } from '../scripts/bundle-fixture.ts';
import { type RawSourceMap, thinSourceMap } from '../scripts/thin-source-map.ts';

// The dbos suite's fixture worker runs from a bundle of its compiled JavaScript
// (scripts/fixture-bundle-setup.ts): the bundle must run the same code as the files it holds, and
// a failing worker's stack trace must still name our files.
describe('bundleFixture', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
  });

  /** A fixture tree: our ES modules in `ours/`, a CommonJS dependency in node_modules. */
  function tree(files: Record<string, string>): string {
    const directory = mkdtempSync(join(tmpdir(), 'gemloop-fixture-bundle-'));
    made.push(directory);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(directory, path)), { recursive: true });
      writeFileSync(join(directory, path), text);
    }
    return directory;
  }

  const FILES = {
    'ours/entry.js': [
      "import { where } from './where.js';",
      "import dependency from 'dependency';",
      // Imported lazily, so the bundle runs it in a wrapper: its class keeps its name there too.
      "const { NamedError } = await import('./named-error.js');",
      'console.log(JSON.stringify({ where: where(), dependency: dependency.where, name: NamedError.make().name }));',
      "if (process.argv[2] === 'throw') {",
      '  dependency.call(() => {',
      "    throw new Error('thrown in ours');",
      '  });',
      '}',
      '',
    ].join('\n'),
    'ours/where.js': 'export const where = () => import.meta.url;\n',
    'ours/named-error.js':
      'export class NamedError extends Error {\n  static make() {\n    return new NamedError();\n  }\n  get name() {\n    return this.constructor.name;\n  }\n}\n',
    'node_modules/dependency/package.json': '{ "name": "dependency", "main": "index.cjs" }\n',
    'node_modules/dependency/index.cjs':
      'module.exports = {\n  where: __filename,\n  call(f) {\n    return f();\n  },\n};\n',
  };

  const run = (bundle: string, ...args: string[]) =>
    spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8', timeout: 60_000 });

  it('runs each module with its own import.meta.url and __filename, and its classes with their names, as unbundled', async () => {
    const directory = tree(FILES);
    const bundle = await bundleFixture(join(directory, 'ours/entry.js'), join(directory, 'cache'));
    expect(bundle.startsWith(join(directory, 'cache'))).toBe(true);
    const result = run(bundle);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      where: pathToFileURL(join(directory, 'ours/where.js')).href,
      dependency: join(directory, 'node_modules/dependency/index.cjs'),
      name: 'NamedError',
    });
  });

  it("names our file and line in a stack trace, and leaves a dependency's frame on the bundle", async () => {
    const directory = tree(FILES);
    const bundle = await bundleFixture(join(directory, 'ours/entry.js'), join(directory, 'cache'));
    const result = run(bundle, 'throw');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('Error: thrown in ours');
    // The throw is on line 7 of entry.js; the dependency's `call` frame stays on the bundle.
    expect(result.stderr).toMatch(
      new RegExp(`at .*${literal(join(directory, 'ours/entry.js'))}:7:\\d+`),
    );
    expect(result.stderr).toMatch(
      new RegExp(`at Object\\.call \\(${literal(pathToFileURL(bundle).href)}:\\d+:\\d+\\)`),
    );
    expect(result.stderr).not.toContain('dependency/index.cjs:');
  });

  it('reuses the bundle while its inputs are unchanged, and makes another when one changes', async () => {
    const directory = tree(FILES);
    const cache = join(directory, 'cache');
    const first = await bundleFixture(join(directory, 'ours/entry.js'), cache);
    const madeAt = statSync(first).mtimeMs;
    expect(await bundleFixture(join(directory, 'ours/entry.js'), cache)).toBe(first);
    expect(statSync(first).mtimeMs).toBe(madeAt);
    writeFileSync(
      join(directory, 'node_modules/dependency/index.cjs'),
      'module.exports = { where: "changed" };\n',
    );
    const second = await bundleFixture(join(directory, 'ours/entry.js'), cache);
    expect(second).not.toBe(first);
    expect(JSON.parse(run(second).stdout).dependency).toBe('changed');
  });
});

describe('thinSourceMap', () => {
  // Two generated lines: line 0 holds ours.ts line 3 (two segments) then the dependency's code;
  // line 1 holds ours.ts line 4. Fields: generated column, source, original line, column.
  const map = {
    version: 3,
    sources: ['ours.ts', 'node_modules/dep/index.js'],
    names: ['a'],
    mappings: `${vlq([0, 0, 3, 2])},${vlq([6, 0, 0, 8, 0])},${vlq([10, 1, 7, -10])};${vlq([2, -1, -6, 4])}`,
  };

  it("keeps one mapping per original line of ours and unmaps a dependency's code", () => {
    const thin = new SourceMap(
      payload(thinSourceMap(map, (source) => !source.includes('node_modules'))),
    );
    // Anywhere in ours.ts's code on line 0 (columns 0-15): ours.ts line 3.
    for (const column of [0, 7, 15]) {
      expect(thin.findEntry(0, column)).toMatchObject({
        originalSource: 'ours.ts',
        originalLine: 3,
      });
    }
    // From column 16 the dependency's code: no original source.
    expect(thin.findEntry(0, 20)).not.toHaveProperty('originalSource', expect.anything());
    expect(thin.findEntry(1, 5)).toMatchObject({ originalSource: 'ours.ts', originalLine: 4 });
    expect(thinSourceMap(map, () => false).sources).toEqual([]);
  });

  it('maps every line as the full map does when every source is kept', () => {
    const full = new SourceMap(payload(map));
    const thin = new SourceMap(payload(thinSourceMap(map, () => true)));
    for (const [line, column] of [
      [0, 0],
      [0, 16],
      [0, 30],
      [1, 2],
    ] as const) {
      const want = full.findEntry(line, column) as { originalSource: string; originalLine: number };
      expect(thin.findEntry(line, column)).toMatchObject({
        originalSource: want.originalSource,
        originalLine: want.originalLine,
      });
    }
  });
});

/** A map as Node's `SourceMap` types it (fields the format leaves optional, empty). */
function payload(map: RawSourceMap): ConstructorParameters<typeof SourceMap>[0] {
  return {
    file: '',
    sourceRoot: '',
    version: map.version,
    sources: map.sources,
    names: map.names,
    mappings: map.mappings,
    sourcesContent: [],
  };
}

/** A string as a literal in a regular expression. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Fields as one Base64 VLQ segment (the source map format's, written out for the test). */
function vlq(fields: readonly number[]): string {
  const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let text = '';
  for (const field of fields) {
    let value = field < 0 ? -field * 2 + 1 : field * 2;
    do {
      let digit = value & 31;
      value >>>= 5;
      if (value > 0) digit |= 32;
      text += digits[digit];
    } while (value > 0);
  }
  return text;
}
