import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const sources = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Where the compiled store is kept between runs: one folder per key of the sources, the
 * package's own `node_modules/.cache` (ignored by git, gone with a fresh install).
 */
const CACHE = fileURLToPath(new URL('../../../node_modules/.cache/compiled-file-store', import.meta.url));

/** The compiler's options besides its output folder: part of the key. */
const OPTIONS = [
  '--ignoreConfig',
  '--noCheck',
  '--rootDir',
  sources,
  '--module',
  'nodenext',
  '--moduleResolution',
  'nodenext',
  '--target',
  'es2023',
  '--rewriteRelativeImportExtensions',
  '--allowImportingTsExtensions',
  '--types',
  'node',
  join(sources, 'chat', 'create-file-history-store.ts'),
];

/**
 * A key of every TypeScript file under `root` but the tests (`*.test.ts`, `*.test-d.ts`): their
 * paths and contents, with `extra` (the compiler's version and options). Any edit the compiled
 * store could depend on changes it, a new or renamed file too; an edited test does not. Test-only.
 */
export async function sourcesKey(root: string, extra: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const part of extra) hash.update(`${part}\0`);
  const files = (await readdir(root, { recursive: true }))
    .map((file) => file.split('\\').join('/'))
    .filter((file) => file.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(file))
    .sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * Compiles the file store to JavaScript with the repository's own compiler, from the same sources
 * the other tests import, for child processes: Node 20 cannot run TypeScript. Returns the path of
 * the compiled `create-file-history-store.js`. The build is kept under `cache` by
 * {@link sourcesKey}, so three test files (and the next run) share one compiler run (~0.4 s of
 * CPU each, bench/RESULTS.md speed-units51) while any edit of the sources builds again. Test-only.
 */
export async function compileFileStore(cache: string = CACHE): Promise<string> {
  const require = createRequire(import.meta.url);
  const typescript = dirname(require.resolve('typescript/package.json'));
  const { version } = JSON.parse(await readFile(join(typescript, 'package.json'), 'utf8'));
  const built = join(cache, await sourcesKey(sources, [version, ...OPTIONS]));
  const entry = join(built, 'chat', 'create-file-history-store.js');
  // A build is renamed into place whole (package.json written last), so a folder there is complete.
  if (existsSync(join(built, 'package.json'))) return entry;
  await mkdir(cache, { recursive: true });
  const building = await mkdtemp(join(cache, 'building-'));
  try {
    await promisify(execFile)(process.execPath, [
      join(typescript, 'bin', 'tsc'),
      '--outDir',
      building,
      ...OPTIONS,
    ]);
    await writeFile(join(building, 'package.json'), '{"type":"module"}');
    // Another test file may have finished the same build first: its folder is as good.
    await rename(building, built).catch((error: unknown) => {
      if (!existsSync(join(built, 'package.json'))) throw error;
    });
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  // Builds of sources that are no more: one folder is kept, not one per edit.
  for (const name of await readdir(cache)) {
    if (!name.startsWith('building-') && join(cache, name) !== built)
      await rm(join(cache, name), { recursive: true, force: true });
  }
  return entry;
}
