import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleScripts } from '../scripts/bundle-scripts.ts';
import { exampleScripts, linkedPackages } from '../scripts/example-bundles-setup.ts';

// The examples run from bundles of their emitted JavaScript (scripts/example-bundles-setup.ts):
// each bundled script must run the same code as the files it holds.
const made: string[] = [];
afterEach(() => {
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** A tree of files under a fresh temporary folder. */
function tree(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'gemloop-example-bundles-'));
  made.push(directory);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(directory, path)), { recursive: true });
    writeFileSync(join(directory, path), text);
  }
  return directory;
}

/** Two scripts sharing a module, one loading a CommonJS package lazily, as core loads undici. */
const SCRIPTS = {
  'ours/one/first.js': [
    "import { where } from '../shared.js';",
    "const dependency = await import('dependency');",
    'console.log(JSON.stringify({ where: where(), own: import.meta.url, named: dependency.named, file: dependency.file }));',
    '',
  ].join('\n'),
  'ours/two/second.js': [
    "import { where } from '../shared.js';",
    "const { NamedError } = await import('../named-error.js');",
    'console.log(JSON.stringify({ where: where(), name: NamedError.make().name }));',
    '',
  ].join('\n'),
  'ours/shared.js': 'export const where = () => import.meta.url;\n',
  'ours/named-error.js':
    'export class NamedError extends Error {\n  static make() {\n    return new NamedError();\n  }\n  get name() {\n    return this.constructor.name;\n  }\n}\n',
  'node_modules/dependency/package.json': '{ "name": "dependency", "main": "index.js" }\n',
  'node_modules/dependency/index.js':
    "exports.named = 'a named export';\nexports.file = __filename;\n",
};

const run = (script: string) =>
  spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });

describe('bundleScripts', () => {
  const bundle = (directory: string) =>
    bundleScripts({
      entries: [join(directory, 'ours/one/first.js'), join(directory, 'ours/two/second.js')],
      base: join(directory, 'ours'),
      cacheDirectory: join(directory, 'cache'),
      name: 'scripts',
    });

  it('runs each script from its folder with the modules it shares, each with its own import.meta.url', async () => {
    const directory = tree(SCRIPTS);
    const folder = await bundle(directory);
    expect(folder.startsWith(join(directory, 'cache'))).toBe(true);
    const first = run(join(folder, 'one/first.js'));
    expect(first.stderr).toBe('');
    expect(JSON.parse(first.stdout)).toEqual({
      where: pathToFileURL(join(directory, 'ours/shared.js')).href,
      own: pathToFileURL(join(directory, 'ours/one/first.js')).href,
      // Named exports of a CommonJS package imported with import(), as Node gives them unbundled
      // (esbuild's split chunk of it would give `default` only).
      named: 'a named export',
      file: join(directory, 'node_modules/dependency/index.js'),
    });
    const second = run(join(folder, 'two/second.js'));
    expect(second.stderr).toBe('');
    expect(JSON.parse(second.stdout)).toEqual({
      where: pathToFileURL(join(directory, 'ours/shared.js')).href,
      name: 'NamedError',
    });
  });

  it('reuses the bundles while their inputs are unchanged, and makes others when one changes', async () => {
    const directory = tree(SCRIPTS);
    const first = await bundle(directory);
    const madeAt = statSync(join(first, 'one/first.js')).mtimeMs;
    expect(await bundle(directory)).toBe(first);
    expect(statSync(join(first, 'one/first.js')).mtimeMs).toBe(madeAt);
    writeFileSync(join(directory, 'ours/shared.js'), "export const where = () => 'changed';\n");
    const second = await bundle(directory);
    expect(second).not.toBe(first);
    expect(JSON.parse(run(join(second, 'two/second.js')).stdout).where).toBe('changed');
  });
});

describe('linked packages', () => {
  it('are found by a bundled import whose name esbuild cannot follow, as beside the package that imports it', async () => {
    const directory = tree({
      // A package only its own folder's scripts can resolve, not the bundles' folder.
      'ours/node_modules/hidden/index.js': 'exports.file = __filename;\n',
      'ours/by-name.js': [
        "const name = 'hidden/index.js';",
        'const hidden = await import(name);',
        'console.log(hidden.default.file);',
        '',
      ].join('\n'),
    });
    const bundle = (linked?: Record<string, string>) =>
      bundleScripts({
        entries: [join(directory, 'ours/by-name.js')],
        base: join(directory, 'ours'),
        cacheDirectory: join(directory, 'cache'),
        name: 'scripts',
        linked,
      });
    const alone = run(join(await bundle(), 'by-name.js'));
    expect(alone.stderr).toContain("Cannot find package 'hidden'");
    const linked = run(
      join(await bundle({ hidden: join(directory, 'ours/node_modules/hidden') }), 'by-name.js'),
    );
    expect(linked.stderr).toBe('');
    expect(linked.stdout.trim()).toBe(join(directory, 'ours/node_modules/hidden/index.js'));
  });

  it("let a bundled node transport load undici's own files, as an install of core does", async () => {
    // Core's transport, bundled outside the repository (no undici above the folder): before the
    // link the examples' bundles loaded undici's package root, 112 files instead of 27. From its
    // source: core's dist holds it in a shared chunk (scripts/bundle-core.mjs), not a file of its own.
    const transport = fileURLToPath(
      new URL('../packages/core/src/http/transport/create-node-transport.ts', import.meta.url),
    );
    const directory = tree({
      'ours/transport.js': [
        `import { loadUndici } from ${JSON.stringify(transport)};`,
        'console.log((await loadUndici()).from);',
        '',
      ].join('\n'),
    });
    const folder = await bundleScripts({
      entries: [join(directory, 'ours/transport.js')],
      base: join(directory, 'ours'),
      cacheDirectory: join(directory, 'cache'),
      name: 'scripts',
      linked: linkedPackages(),
    });
    const loaded = run(join(folder, 'transport.js'));
    expect(loaded.stderr).toBe('');
    expect(loaded.stdout.trim()).toBe('files');
  });
});

describe('exampleScripts', () => {
  it('lists the scripts no other file imports, but for tests, fixtures and the tests’ helpers', () => {
    const directory = tree({
      'quick-start/basic.js': "import { run } from '../lib/run.js';\nrun();\n",
      'fleet/fleet.js': "import './server.js';\n",
      'fleet/server.js': 'export {};\n',
      'fleet/worker.js': "const tools = await import('./tools.js');\n",
      'fleet/tools.js': 'export {};\n',
      'fleet/fleet.test.js': 'export {};\n',
      'fleet/__fixtures__/fake.js': 'export {};\n',
      'lib/run.js': 'export const run = () => {};\n',
      'test/run-example-process.js': 'export {};\n',
      'test/readme/snippet.js': 'export {};\n',
    });
    expect(
      exampleScripts(directory)
        .map((file) => file.slice(directory.length + 1))
        .sort(),
    ).toEqual([
      'fleet/fleet.js',
      'fleet/worker.js',
      'quick-start/basic.js',
      'test/readme/snippet.js',
    ]);
  });
});
