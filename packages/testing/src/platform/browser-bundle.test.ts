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
        found.push(`${importer} imports ${path}`);
        return { path, external: true };
      });
    },
  };
}

describe('the browser bundle of @gemloop/testing', () => {
  // The turn builders and the in-process fake (`fake.fetch`) run in a browser or a worker; only
  // `fake.listen()` (node:http) and `fake.handlers()` (msw, loaded synchronously) are Node's.
  it('(turn builders, the in-process fake) reaches no Node built-in', async () => {
    const found: string[] = [];
    const result = await build({
      entryPoints: [`${src}index.ts`],
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
    const inputs = Object.keys(result.metafile.inputs);
    expect(found).toEqual([]);
    expect(inputs.filter((file) => /platform\/node\//.test(file))).toEqual([]);
    expect(
      inputs.some((file) => file.endsWith('testing/src/platform/web/serve-fake-over-http.ts')),
    ).toBe(true);
    // msw is an optional peer: an app without it must still build.
    expect(inputs.filter((file) => /\/msw\//.test(file))).toEqual([]);
  });
});
