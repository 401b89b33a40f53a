import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** The built bin, as `npx gemloop` runs it: plain node, no source condition. */
export const CLI_BIN: string = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/** A hang guard for `tsc -b` on a loaded machine (incremental: quick when the build is fresh). */
export const BUILD_LIMIT_MS = 300_000;

/**
 * Builds the CLI and what its bin imports (the built @gemloop/core, testing and evals), for the
 * tests that run the bin as a process: `beforeAll(buildCli, BUILD_LIMIT_MS)`.
 */
export async function buildCli(): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [`${root}node_modules/typescript/bin/tsc`, '-b', 'packages/cli'],
    { cwd: root, timeout: BUILD_LIMIT_MS },
  );
}
