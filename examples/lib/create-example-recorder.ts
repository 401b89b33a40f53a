import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunRecorder } from '@gemloop/core/recorder';
import { createRunRecorder } from '@gemloop/core/recorder';

/** The repository's root, where `npm run view` runs. */
const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Where the demo and the chat record: `.gemloop/runs` in the folder the command was started from
 * (`npm run demo` at the repository root sets INIT_CWD to it; `scripts/run-example.mjs` sets it
 * to its own working folder), which is where `npx gemloop view` looks.
 */
export function exampleRunsDir(): string {
  return join(process.env['INIT_CWD'] ?? process.cwd(), '.gemloop', 'runs');
}

/** The run recorder the demo and the chat use, recording into {@link exampleRunsDir}. */
export function createExampleRecorder(): RunRecorder {
  return createRunRecorder({ dir: exampleRunsDir() });
}

/**
 * The command that shows the runs recorded in `dir`, to print after a run: `npm run view` when the
 * example was started at the repository's root, else the same script run from the repository with
 * the folder named (started elsewhere, `npm run view` there finds no such script).
 */
export function exampleViewCommand(dir: string): string {
  if (resolve(dir) === join(REPOSITORY, '.gemloop', 'runs')) return 'npm run view';
  return `npm --prefix ${shellWord(REPOSITORY.replace(/[\\/]$/, ''))} run view -- --dir ${shellWord(resolve(dir))}`;
}

/** A path as one POSIX shell word: as it is when it is plain, else in single quotes. */
function shellWord(path: string): string {
  return /^[\w./:-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}
