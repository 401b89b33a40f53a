import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type KeptEsbuildBuildOptions, keptEsbuildBuild } from '../scripts/kept-esbuild-build.ts';
import { bundleCacheTree, keptFolders } from './fixtures/bundle-cache-tree.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

// The graph and browser-bundle tests walk a kept build's metafile: it must be the graph esbuild
// would make from the files as they are now.
describe('keptEsbuildBuild', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
  });

  const tree = () => bundleCacheTree(made);
  const folders = keptFolders;

  it('reuses the build while its inputs are unchanged, and builds again when an imported file changes its imports', async () => {
    const { entry, dependency, cache } = tree();
    const options: KeptEsbuildBuildOptions = {
      entryPoints: [entry],
      cacheDirectory: cache,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      external: ['node:*'],
    };
    const first = await keptEsbuildBuild(options);
    // Paths relative to the repository root, as the tests that walk them expect.
    const dependencyInput = relative(ROOT, dependency).split('\\').join('/');
    expect(Object.keys(first.metafile.inputs)).toContain(dependencyInput);
    expect(first.metafile.inputs[dependencyInput]?.imports).toEqual([]);
    expect(first.outputs.join('')).toContain('"first"');
    const [kept] = folders(cache);
    const madeAt = statSync(join(kept as string, 'metafile.json')).mtimeMs;
    const again = await keptEsbuildBuild(options);
    expect(again).toEqual(first);
    expect(folders(cache)).toEqual([kept]);
    expect(statSync(join(kept as string, 'metafile.json')).mtimeMs).toBe(madeAt);
    // The imported file now reaches a Node built-in: built again, and the metafile says who.
    writeFileSync(
      dependency,
      "import { EOL } from 'node:os';\nexport const where: string = 'changed' + EOL;\n",
    );
    const second = await keptEsbuildBuild(options);
    expect(second.metafile.inputs[dependencyInput]?.imports).toEqual([
      { path: 'node:os', kind: 'import-statement', external: true },
    ]);
    expect(second.outputs.join('')).toContain('changed');
    expect(folders(cache)).toHaveLength(2);
  });

  it('fails with esbuild’s message when the entry cannot be built, and keeps nothing', async () => {
    const { entry, cache } = tree();
    writeFileSync(entry, "import { gone } from './missing.ts';\nconsole.log(gone);\n");
    await expect(
      keptEsbuildBuild({
        entryPoints: [entry],
        cacheDirectory: cache,
        bundle: true,
        logLevel: 'silent',
      }),
    ).rejects.toThrow(/Could not resolve "\.\/missing\.ts"/);
    expect(folders(cache)).toEqual([]);
  });
});
