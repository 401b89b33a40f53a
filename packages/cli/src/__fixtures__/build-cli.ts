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

/**
 * Runs the built bin as `npx gemloop ...` would, in `cwd`, with only PATH in its environment: its
 * exit code and output, whether it succeeded or not. The time limit is a hang guard for a loaded
 * machine.
 */
export async function runCliBin(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI_BIN, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '' },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
