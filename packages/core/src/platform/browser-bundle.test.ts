import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../', import.meta.url));

/** Records every `node:` import esbuild meets, with the file that made it. */
function nodeImports(found: string[]): Plugin {
  return {
    name: 'no-node-builtins',
    setup(plugin) {
      plugin.onResolve({ filter: /^node:/ }, ({ path, importer }) => {
        found.push(`${importer.slice(src.length)} imports ${path}`);
        return { path, external: true };
      });
    },
  };
}

/** Bundles an entry the way a browser or worker app would (zod is the app's, so external). */
async function bundleForBrowser(entry: string): Promise<{ found: string[]; inputs: string[] }> {
  const found: string[] = [];
  const result = await build({
    entryPoints: [`${src}${entry}`],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    conditions: ['@gemloop/source'],
    external: ['zod'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [nodeImports(found)],
  });
  return { found, inputs: Object.keys(result.metafile.inputs) };
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
