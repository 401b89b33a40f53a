import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleFixture } from '../scripts/bundle-fixture.ts';
import { startGuarded } from '../scripts/start-guarded.ts';
import { type RawSourceMap, thinSourceMap } from '../scripts/thin-source-map.ts';

// The dbos suite's fixture worker runs from a bundle of its compiled JavaScript
// (scripts/fixture-bundle-setup.ts): the bundle must run the same code as the files it holds, a
// failing worker's stack trace must still name our files, and V8's code cache that serves its
// starts must never run other code than the bundle's.
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
    // A script has no top-level await (the bundle is CommonJS: code-cache-loader.cjs).
    'ours/entry.js': [
      "import { strict, where } from './where.js';",
      "import dependency from 'dependency';",
      // Imported lazily, so the bundle runs it in a wrapper: its class keeps its name there too.
      "void import('./named-error.js').then(({ NamedError }) => {",
      '  console.log(JSON.stringify({ where: where(), dependency: dependency.where, name: NamedError.make().name, strict }));',
      "  if (process.argv[2] === 'throw') {",
      '    dependency.call(() => {',
      "      throw new Error('thrown in ours');",
      '    });',
      '  }',
      "  if (process.argv[2] === 'ready') console.log('ready entry');",
      // The stack DBOS takes at each registration (its `StackGrabber`), read from our code.
      "  if (process.argv[2] === 'grab') {",
      "    class StackGrabber extends Error { constructor() { super('StackGrabber'); } }",
      '    console.log(dependency.call(() => new StackGrabber().stack));',
      '  }',
      '});',
      '',
    ].join('\n'),
    // Whether the module's code is strict (an ES module's is; a CommonJS bundle's is not by default).
    'ours/where.js':
      'export const where = () => import.meta.url;\nexport const strict = (function () {\n  return this === undefined;\n})();\n',
    'ours/named-error.js':
      'export class NamedError extends Error {\n  static make() {\n    return new NamedError();\n  }\n  get name() {\n    return this.constructor.name;\n  }\n}\n',
    'node_modules/dependency/package.json': '{ "name": "dependency", "main": "index.cjs" }\n',
    'node_modules/dependency/index.cjs':
      'module.exports = {\n  where: __filename,\n  call(f) {\n    return f();\n  },\n};\n',
  };

  const run = (bundle: string, ...args: string[]) =>
    spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8', timeout: 60_000 });

  /** The bundle's body beside the file a process runs (bundle-fixture.ts). */
  const bodyOf = (bundle: string): string => bundle.replace(/\.cjs$/, '.body.js');

  it('runs each module with its own import.meta.url and __filename, strict, and its classes with their names, as unbundled', async () => {
    const directory = tree(FILES);
    const bundle = await bundleFixture(join(directory, 'ours/entry.js'), join(directory, 'cache'));
    expect(bundle.startsWith(join(directory, 'cache'))).toBe(true);
    const result = run(bundle);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      where: pathToFileURL(join(directory, 'ours/where.js')).href,
      dependency: join(directory, 'node_modules/dependency/index.cjs'),
      name: 'NamedError',
      strict: true,
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
      new RegExp(`at Object\\.call \\(${literal(bodyOf(bundle))}:\\d+:\\d+\\)`),
    );
    expect(result.stderr).not.toContain('dependency/index.cjs:');
  });

  it("leaves DBOS's registration stacks on the bundle: a start parses no map for them", async () => {
    const directory = tree(FILES);
    const bundle = await bundleFixture(join(directory, 'ours/entry.js'), join(directory, 'cache'));
    const result = run(bundle, 'grab');
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Error: StackGrabber');
    // Our frame (entry.js) as V8 writes it, on the bundle's body, as the dependency's is.
    expect(result.stdout).toMatch(new RegExp(`at .*${literal(bodyOf(bundle))}:\\d+:\\d+`));
    expect(result.stdout).not.toContain('ours/entry.js:');
  });

  // V8 keeps a script holding a character past Latin-1 as a two-byte string, decoded at each
  // start (bundle-fixture.ts asciiOnly): the body is written in ASCII when that changes no code.
  it('writes the body in ASCII when only its comments held other characters, and runs the same', async () => {
    const directory = tree({
      // esbuild keeps a comment inside an expression (as undici's in the worker's body).
      'ours/entry.js': [
        'const answer = {',
        '  // the order’s state — as the customer sees it',
        "  state: 'it’s shipped',",
        '};',
        'console.log(JSON.stringify([answer.state, `cooked ’`, "😀"]));',
        '',
      ].join('\n'),
    });
    const bundle = await bundleFixture(join(directory, 'ours/entry.js'), join(directory, 'cache'), {
      ascii: true,
    });
    expect(/[\u0080-\uffff]/.test(readFileSync(bodyOf(bundle), 'utf8'))).toBe(false);
    const result = run(bundle);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(['it’s shipped', 'cooked ’', '😀']);
  });

  it("keeps the body as esbuild wrote it when a tagged template's raw text or a regular expression holds such a character", async () => {
    for (const line of ['String.raw`raw ’`', "/’+/u.source + 'x'"]) {
      const directory = tree({
        'ours/entry.js': `console.log([\n  // a comment’s\n  ${line},\n][0]);\n`,
      });
      const bundle = await bundleFixture(
        join(directory, 'ours/entry.js'),
        join(directory, 'cache'),
        { ascii: true },
      );
      const body = readFileSync(bodyOf(bundle), 'utf8');
      expect(body).toContain('// a comment’s');
      const result = run(bundle);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(line.includes('raw') ? 'raw ’\n' : '’+x\n');
    }
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

  describe("V8's code cache (code-cache-loader.cjs)", () => {
    /** Preloaded: says whether V8 took the cache the loader gave (`cachedDataRejected`). */
    function spy(directory: string): string {
      const path = join(directory, 'spy.cjs');
      writeFileSync(
        path,
        [
          "const vm = require('node:vm');",
          'const Script = vm.Script;',
          'vm.Script = class extends Script {',
          '  constructor(...args) {',
          '    super(...args);',
          "    process.stderr.write('rejected=' + this.cachedDataRejected + '\\n');",
          '  }',
          '};',
          '',
        ].join('\n'),
      );
      return path;
    }
    const start = (directory: string, bundle: string, ...args: string[]) =>
      spawnSync(process.execPath, ['--require', spy(directory), bundle, ...args], {
        encoding: 'utf8',
        timeout: 60_000,
      });
    const caches = (bundle: string): string[] =>
      readdirSync(dirname(bundle)).filter((name) => /code-cache/.test(name));

    it('is made once the fixture is ready, then used by every later start', async () => {
      const directory = tree(FILES);
      const bundle = await bundleFixture(
        join(directory, 'ours/entry.js'),
        join(directory, 'cache'),
      );
      // Not ready (a start that failed, or a script without the contract): no cache.
      expect(start(directory, bundle).stderr).toBe('rejected=undefined\n');
      expect(caches(bundle)).toEqual([]);
      const first = start(directory, bundle, 'ready');
      expect(first.stderr).toBe('rejected=undefined\n');
      expect(first.stdout).toMatch(/\nready entry\n$/);
      expect(caches(bundle)).toEqual([
        expect.stringMatching(/^entry\.body\.js\.[0-9a-f]{20}\.v\d+.*\.code-cache$/),
      ]);
      const [made] = caches(bundle);
      const madeAt = statSync(join(dirname(bundle), made as string)).mtimeMs;
      const later = start(directory, bundle, 'ready');
      expect(later.stderr).toBe('rejected=false\n');
      expect(later.stdout).toBe(first.stdout);
      expect(statSync(join(dirname(bundle), made as string)).mtimeMs).toBe(madeAt);
    });

    it('never runs a cache made for other code: a body edited in place gets its own', async () => {
      const directory = tree(FILES);
      const bundle = await bundleFixture(
        join(directory, 'ours/entry.js'),
        join(directory, 'cache'),
      );
      start(directory, bundle, 'ready');
      expect(start(directory, bundle, 'ready').stderr).toBe('rejected=false\n');
      // Same length, other code: V8's own check (the source's length) would take the old cache.
      const body = readFileSync(bodyOf(bundle), 'utf8');
      expect(body).toContain('ready entry');
      writeFileSync(bodyOf(bundle), body.replace('ready entry', 'ready ENTRY'));
      const edited = start(directory, bundle, 'ready');
      expect(edited.stderr).toBe('rejected=undefined\n');
      expect(edited.stdout).toMatch(/\nready ENTRY\n$/);
      expect(caches(bundle)).toHaveLength(2);
    });

    it('says so on stderr when V8 rejects the cache, runs without it and makes it again', async () => {
      const directory = tree(FILES);
      const bundle = await bundleFixture(
        join(directory, 'ours/entry.js'),
        join(directory, 'cache'),
      );
      const first = start(directory, bundle, 'ready');
      const path = join(dirname(bundle), caches(bundle)[0] as string);
      writeFileSync(path, Buffer.alloc(statSync(path).size, 7));
      const rejected = start(directory, bundle, 'ready');
      expect(rejected.stderr).toContain('rejected=true');
      expect(rejected.stderr).toContain('fixture bundle: V8 rejected the code cache');
      expect(rejected.stdout).toBe(first.stdout);
      expect(start(directory, bundle, 'ready').stderr).toBe('rejected=false\n');
    });

    it('says so on stderr when the cache cannot be read or written, and the start still runs', async () => {
      const directory = tree(FILES);
      const bundle = await bundleFixture(
        join(directory, 'ours/entry.js'),
        join(directory, 'cache'),
      );
      const first = start(directory, bundle, 'ready');
      const path = join(dirname(bundle), caches(bundle)[0] as string);
      // A folder where the cache goes: neither read nor replaced.
      rmSync(path);
      mkdirSync(join(path, 'in-the-way'), { recursive: true });
      const blocked = start(directory, bundle, 'ready');
      expect(blocked.status).toBe(0);
      expect(blocked.stdout).toBe(first.stdout);
      expect(blocked.stderr).toContain('fixture bundle: the code cache could not be read');
      expect(blocked.stderr).toContain('fixture bundle: the code cache could not be written');
      expect(readdirSync(dirname(bundle)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    });

    it('is made whole when several processes start at once', async () => {
      const directory = tree(FILES);
      const bundle = await bundleFixture(
        join(directory, 'ours/entry.js'),
        join(directory, 'cache'),
      );
      const spyPath = spy(directory);
      const results = await Promise.all(
        Array.from(
          { length: 4 },
          () =>
            new Promise<{ code: number | null; stdout: string }>((resolve) => {
              const child = startGuarded(
                process.execPath,
                ['--require', spyPath, bundle, 'ready'],
                { stdio: ['ignore', 'pipe', 'inherit'] },
              );
              let stdout = '';
              child.stdout?.on('data', (chunk: Buffer) => {
                stdout += chunk.toString();
              });
              // 'close', not 'exit': a process's 'exit' can come before its last stdout is
              // read (Node: "child process stdio streams might still be open"); at load 15 one
              // start in about fifty resolved on 'exit' with stdout still empty.
              child.once('close', (code) => resolve({ code, stdout }));
            }),
        ),
      );
      for (const result of results) expect(result).toEqual({ code: 0, stdout: results[0]?.stdout });
      expect(caches(bundle)).toHaveLength(1);
      expect(start(directory, bundle, 'ready').stderr).toBe('rejected=false\n');
    });
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

  it('writes a segment only where the frame it gives changes, across generated lines too', () => {
    // Line 0: ours.ts line 3; line 1: the same original line, wrapped; lines 2-3: the
    // dependency's code; line 4: ours.ts line 4.
    const wrapped = {
      version: 3,
      sources: ['ours.ts', 'node_modules/dep/index.js'],
      names: [],
      mappings: [
        vlq([0, 0, 3, 0]),
        vlq([4, 0, 0, 4]),
        vlq([0, 1, 7, -4]),
        vlq([0, 0, 1, 0]),
        vlq([0, -1, -7, 0]),
      ].join(';'),
    };
    const thin = thinSourceMap(wrapped, (source) => !source.includes('node_modules'));
    // ours (line 0), unmapped (line 2), ours line 4: the repeats on lines 1 and 3 are gone.
    expect(thin.mappings.split(/[;,]/).filter((segment) => segment !== '')).toHaveLength(3);
    const map = new SourceMap(payload(thin));
    expect(map.findEntry(1, 6)).toMatchObject({ originalSource: 'ours.ts', originalLine: 3 });
    expect(map.findEntry(3, 2)).not.toHaveProperty('originalSource', expect.anything());
    expect(map.findEntry(4, 0)).toMatchObject({ originalSource: 'ours.ts', originalLine: 4 });
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
