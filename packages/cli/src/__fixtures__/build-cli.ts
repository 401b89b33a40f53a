import { fileURLToPath } from 'node:url';
import { buildAlone } from '../../../../scripts/build-alone.ts';
import {
  GUARDED_TEST_LIMIT_MS,
  GuardedProcessError,
  runGuarded,
} from '../../../../scripts/run-guarded.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** The built bin, as `npx gemloop` runs it: plain node, no source condition. */
export const CLI_BIN: string = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/**
 * The Vitest limit of the hook that builds: above the last resort of the hang guard the build
 * runs under (killed when hung or runaway, scripts/run-guarded.ts), not a wall clock.
 */
export const BUILD_LIMIT_MS: number = GUARDED_TEST_LIMIT_MS;

/**
 * Builds the CLI and what its bin imports (the built @gemloop/core, testing and evals), for the
 * tests that run the bin as a process: `beforeAll(buildCli, BUILD_LIMIT_MS)`. One build of the
 * checkout at a time (`buildAlone`): the bin test files run side by side, and two builds of a
 * changed source wrote the same outputs while the other's bin read them.
 */
export async function buildCli(): Promise<void> {
  const tsc = `${root}node_modules/typescript/bin/tsc`;
  await buildAlone(() => runGuarded(process.execPath, [tsc, '-b', 'packages/cli'], { cwd: root }));
}

/**
 * Runs the built bin as `npx gemloop ...` would, in `cwd`, with only PATH (and `env`) in its environment: its
 * exit code and output, whether it succeeded or not. A hang (or a runaway) is killed by the hang
 * guard and throws, with the guard's message.
 */
export async function runCliBin(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await runGuarded(process.execPath, [CLI_BIN, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (!(error instanceof GuardedProcessError) || error.failure.kind !== 'exit') throw error;
    return { code: error.failure.code as number, stdout: error.stdout, stderr: error.stderr };
  }
}
