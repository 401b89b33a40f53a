import { readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleCacheTree, keptFolders } from '../../fixtures/bundle-cache-tree.ts';
import { cachedBundle } from './cached-bundle.ts';

// The runtime tests' bundles (the portable suite, the React pages) are kept between runs: a
// kept bundle must be what esbuild would make from the files as they are now.
describe('cachedBundle', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
  });

  const tree = () => bundleCacheTree(made);
  const folders = keptFolders;

  it('reuses the bundle while its inputs are unchanged, and makes another when one changes', async () => {
    const { entry, dependency, cache } = tree();
    const options = { entry, cacheDirectory: cache, bundle: true, format: 'esm' } as const;
    const first = await cachedBundle(options);
    expect(first).toContain('"first"');
    const [kept] = folders(cache);
    const madeAt = statSync(join(kept as string, 'bundle.js')).mtimeMs;
    expect(await cachedBundle(options)).toBe(first);
    expect(folders(cache)).toEqual([kept]);
    expect(statSync(join(kept as string, 'bundle.js')).mtimeMs).toBe(madeAt);
    // An imported file changed: bundled again, with the change.
    writeFileSync(dependency, "export const where: string = 'changed';\n");
    const second = await cachedBundle(options);
    expect(second).toContain('"changed"');
    expect(second).not.toContain('"first"');
    expect(folders(cache)).toHaveLength(2);
  });

  it('keeps a bundle per set of options: another format is bundled on its own', async () => {
    const { entry, cache } = tree();
    const esm = await cachedBundle({ entry, cacheDirectory: cache, bundle: true, format: 'esm' });
    const iife = await cachedBundle({
      entry,
      cacheDirectory: cache,
      bundle: true,
      format: 'iife',
      globalName: 'Suite',
    });
    expect(iife).toContain('var Suite = ');
    expect(esm).not.toContain('var Suite = ');
    expect(readdirSync(cache)).toHaveLength(2);
    expect(await cachedBundle({ entry, cacheDirectory: cache, bundle: true, format: 'esm' })).toBe(
      esm,
    );
  });

  it('removes a kind of bundle unused for a day when another is used, and keeps one used since', async () => {
    const { entry, cache } = tree();
    await cachedBundle({ entry, cacheDirectory: cache, bundle: true, format: 'esm' });
    const [old] = readdirSync(cache);
    const dayAndMore = new Date(Date.now() - 86_400_000 - 60_000);
    utimesSync(join(cache, old as string), dayAndMore, dayAndMore);
    await cachedBundle({ entry, cacheDirectory: cache, bundle: true, format: 'cjs' });
    expect(readdirSync(cache)).toHaveLength(1);
    expect(readdirSync(cache)).not.toContain(old);
    // Used again: made again, and kept while the other kind is used.
    await cachedBundle({ entry, cacheDirectory: cache, bundle: true, format: 'esm' });
    await cachedBundle({ entry, cacheDirectory: cache, bundle: true, format: 'cjs' });
    expect(readdirSync(cache)).toHaveLength(2);
  });

  it('fails with esbuild’s message when the entry cannot be bundled, and keeps nothing', async () => {
    const { entry, cache } = tree();
    writeFileSync(entry, "import { gone } from './missing.ts';\nconsole.log(gone);\n");
    await expect(
      cachedBundle({ entry, cacheDirectory: cache, bundle: true, logLevel: 'silent' }),
    ).rejects.toThrow(/Could not resolve "\.\/missing\.ts"/);
    expect(folders(cache)).toEqual([]);
  });
});
