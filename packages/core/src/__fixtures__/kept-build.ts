import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where builds are kept between runs: the package's own `node_modules/.cache` (ignored by git,
 * gone with a fresh install).
 */
const CACHE = fileURLToPath(new URL('../../node_modules/.cache', import.meta.url));

/**
 * A key of every TypeScript file under `roots` but the tests (`*.test.ts`, `*.test-d.ts`): their
 * paths and contents, with `extra` (a compiler's version and options, a lockfile). Any edit a build
 * of those sources could depend on changes it, a new or renamed file too; an edited test does not.
 * Test-only.
 */
export async function sourcesKey(
  roots: readonly string[],
  extra: readonly string[],
): Promise<string> {
  const hash = createHash('sha256');
  for (const part of extra) hash.update(`${part}\0`);
  for (const root of roots) {
    hash.update(`${root}\0`);
    const files = (await readdir(root, { recursive: true }))
      .map((file) => file.split('\\').join('/'))
      .filter((file) => file.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(file))
      .sort();
    for (const file of files) {
      hash.update(`${file}\0`);
      hash.update(await readFile(join(root, file)));
      hash.update('\0');
    }
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * The folder of build `name` for `key`, made by `build` (given an empty folder) only when no run
 * kept one: test files that start processes from compiled sources share one build, and the next
 * run reuses it while the key holds. A build is renamed into place whole, so files that build at
 * once each take a complete one; older keys' folders are removed. Test-only.
 */
export async function keptBuild(
  name: string,
  key: string,
  build: (folder: string) => Promise<void>,
  cache: string = join(CACHE, name),
): Promise<string> {
  const built = join(cache, key);
  if (existsSync(built)) return built;
  await mkdir(cache, { recursive: true });
  const building = await mkdtemp(join(cache, 'building-'));
  try {
    await build(building);
    // Another file may have finished the same build first: its folder is as good.
    await rename(building, built).catch((error: unknown) => {
      if (!existsSync(built)) throw error;
    });
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  for (const entry of await readdir(cache)) {
    if (entry !== key && !entry.startsWith('building-'))
      await rm(join(cache, entry), { recursive: true, force: true });
  }
  return built;
}
