import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { keptEsbuildBuild } from '../../../../scripts/kept-esbuild-build.ts';

const src = fileURLToPath(new URL('../', import.meta.url));
/** The repository root: the kept build's metafile paths are relative to it. */
const root = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Every portable entry (the root and each subpath) bundled as a browser or worker app would
 * bundle it (zod is the app's, so external), in one esbuild build: one parse of the modules the
 * entries share instead of one build an entry (thirty builds of mostly the same modules). A
 * `node:` import is left external, so it stays in the metafile beside the file that made it.
 * Started once, by the first test that asks; kept between runs while every file it read is
 * unchanged (scripts/kept-esbuild-build.ts): the checks below run on it each time.
 */
let portableBuild: Promise<{ metafile: Metafile; texts: string[] }> | undefined;

/**
 * A free `Buffer` or `process` in the bundle, renamed by esbuild's `define` (which renames
 * identifiers only: not `globalThis.process`, a property, or words in strings), so a test can find
 * each: browsers and Workers have neither, and a bundler may shim the name.
 */
const FREE_GLOBALS = { Buffer: '__gemloopFreeBuffer', process: '__gemloopFreeProcess' };

function bundleAllForBrowser(): Promise<{ metafile: Metafile; texts: string[] }> {
  portableBuild ??= keptEsbuildBuild({
    entryPoints: ['index.ts', ...portableSubpaths().map(([, entry]) => entry)].map(
      (entry) => `${src}${entry}`,
    ),
    bundle: true,
    // The entries share chunks: the modules they share are written once.
    splitting: true,
    platform: 'browser',
    format: 'esm',
    conditions: ['@gemloop/source'],
    // Every `node:` import is left external, so the metafile records it with the file that made it.
    external: ['zod', 'node:*'],
    logLevel: 'silent',
    define: FREE_GLOBALS,
  }).then((result) => ({ metafile: result.metafile, texts: result.outputs }));
  return portableBuild;
}

/**
 * What a bundle of `entry` alone holds: the files esbuild reaches from it through any import it
 * follows (static, `import()`, `require`), as its own build's metafile listed them, and each
 * `node:` import among them, with the file that made it.
 */
async function bundleForBrowser(entry: string): Promise<{ found: string[]; inputs: string[] }> {
  const { inputs } = (await bundleAllForBrowser()).metafile;
  const start = Object.keys(inputs).find((path) => resolve(root, path) === `${src}${entry}`);
  if (start === undefined) throw new Error(`the build holds no entry ${entry}`);
  const reached = new Set([start]);
  const found: string[] = [];
  for (const path of reached) {
    for (const imported of inputs[path]?.imports ?? []) {
      if (imported.path.startsWith('node:')) {
        found.push(`${resolve(root, path).slice(src.length)} imports ${imported.path}`);
      } else if (imported.external !== true) {
        reached.add(imported.path);
      }
    }
  }
  return { found, inputs: [...reached] };
}

describe('the browser bundle', () => {
  // A failure names each file that reached a Node built-in: move that code behind `#platform/*`
  // (a node and a web implementation) or into the entry's index.node.ts.
  it('of @gemloop/core reaches no Node built-in', async () => {
    const { found, inputs } = await bundleForBrowser('index.ts');
    expect(found).toEqual([]);
    // The Node-only parts stay out, and the web implementations are the ones bundled.
    expect(inputs.filter((file) => /history-file|run-recorder|platform\/node/.test(file))).toEqual(
      [],
    );
    expect(inputs.some((file) => file.includes('platform/web/utf8-decoder.ts'))).toBe(true);
    // An optional peer must not be bundled: an app without it could not build.
    expect(inputs.filter((file) => /@opentelemetry|\/msw\//.test(file))).toEqual([]);
  });
  // @gemloop/testing (the fake) has the same check in packages/testing/src/platform.

  // attack25: scrubSecrets read bytes with `Buffer.from`, which threw in browsers (every binary
  // value in a scrubbed error became `[redacted]`). A global only Node has is read off
  // `globalThis` behind a check (`bytes-to-base64.ts`, `load-api-key.ts`), or lives in platform/node.
  it('of @gemloop/core and its subpaths names no free Buffer or process', async () => {
    const { texts } = await bundleAllForBrowser();
    const found = texts.flatMap((text) =>
      text
        .split('\n')
        .filter((line) => Object.values(FREE_GLOBALS).some((name) => line.includes(name)))
        .map((line) => line.trim()),
    );
    expect(found).toEqual([]);
  });

  it.each(portableSubpaths())('of @gemloop/core/%s reaches no Node built-in', async (_, entry) => {
    const { found, inputs } = await bundleForBrowser(entry);
    expect(found).toEqual([]);
    expect(inputs.filter((file) => /history-file|run-recorder|platform\/node/.test(file))).toEqual(
      [],
    );
    expect(inputs.filter((file) => /@opentelemetry|\/msw\//.test(file))).toEqual([]);
  });
});

/** `[subpath, entry file under src/]` for each subpath a browser bundle resolves (the root aside). */
function portableSubpaths(): [string, string][] {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return Object.entries(manifest.exports as Record<string, unknown>)
    .filter(([subpath]) => !['.', './package.json'].includes(subpath))
    .map(([subpath, conditions]) => {
      const source = (conditions as Record<string, unknown>)['@gemloop/source'];
      const file =
        typeof source === 'string'
          ? source
          : ((source as Record<string, string>)['browser'] ??
            (source as Record<string, string>)['default']);
      return [subpath.slice(2), String(file).replace(/^\.\/src\//, '')];
    });
}
