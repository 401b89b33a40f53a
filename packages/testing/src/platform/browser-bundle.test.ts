import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { keptEsbuildBuild } from '../../../../scripts/kept-esbuild-build.ts';

const src = fileURLToPath(new URL('../', import.meta.url));

describe('the browser bundle of @gemloop/testing', () => {
  // The turn builders and the in-process fake (`fake.fetch`) run in a browser or a worker; only
  // `fake.listen()` (node:http) and `fake.handlers()` (msw, loaded synchronously) are Node's.
  it('(turn builders, the in-process fake) reaches no Node built-in', async () => {
    // Kept between runs while every file it read is unchanged (scripts/kept-esbuild-build.ts).
    const result = await keptEsbuildBuild({
      entryPoints: [`${src}index.ts`],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      conditions: ['@gemloop/source'],
      // Every `node:` import is left external, so the metafile records it with the file that made it.
      external: ['zod', 'node:*'],
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    const found = Object.entries(result.metafile.inputs).flatMap(([file, { imports }]) =>
      imports
        .filter((imported) => imported.path.startsWith('node:'))
        .map((imported) => `${file} imports ${imported.path}`),
    );
    expect(found).toEqual([]);
    expect(inputs.filter((file) => /platform\/node\//.test(file))).toEqual([]);
    expect(
      inputs.some((file) => file.endsWith('testing/src/platform/web/serve-fake-over-http.ts')),
    ).toBe(true);
    // msw is an optional peer: an app without it must still build.
    expect(inputs.filter((file) => /\/msw\//.test(file))).toEqual([]);
  });
});
