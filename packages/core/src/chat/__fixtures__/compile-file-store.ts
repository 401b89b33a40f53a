import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const sources = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Compiles the file store to JavaScript in `out` with the repository's own compiler, from the
 * same sources the other tests import, for child processes: Node 20 cannot run TypeScript.
 * Returns the path of the compiled `create-file-history-store.js`. Test-only.
 */
export async function compileFileStore(out: string): Promise<string> {
  const require = createRequire(import.meta.url);
  const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  await promisify(execFile)(process.execPath, [
    tsc,
    '--ignoreConfig',
    '--noCheck',
    '--outDir',
    out,
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
  ]);
  await writeFile(join(out, 'package.json'), '{"type":"module"}');
  return join(out, 'chat', 'create-file-history-store.js');
}
