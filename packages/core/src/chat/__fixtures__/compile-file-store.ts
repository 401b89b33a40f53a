import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { keptBuild, sourcesKey } from '../../__fixtures__/kept-build.ts';

const sources = fileURLToPath(new URL('../..', import.meta.url));

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
 * Compiles the file store to JavaScript with the repository's own compiler, from the same sources
 * the other tests import, for child processes: Node 20 cannot run TypeScript. Returns the path of
 * the compiled `create-file-history-store.js`. Kept by a key of core's sources (`keptBuild`), so
 * three test files and the next run share one compiler run (~0.4 s of CPU each, bench/RESULTS.md
 * speed-units51) while any edit of the sources builds again. Test-only.
 */
export async function compileFileStore(): Promise<string> {
  const require = createRequire(import.meta.url);
  const typescript = dirname(require.resolve('typescript/package.json'));
  const { version } = JSON.parse(await readFile(join(typescript, 'package.json'), 'utf8'));
  const key = await sourcesKey([sources], [version, ...OPTIONS]);
  const built = await keptBuild('compiled-file-store', key, async (folder) => {
    await promisify(execFile)(process.execPath, [
      join(typescript, 'bin', 'tsc'),
      '--outDir',
      folder,
      ...OPTIONS,
    ]);
    await writeFile(join(folder, 'package.json'), '{"type":"module"}');
  });
  return join(built, 'chat', 'create-file-history-store.js');
}
