import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, version } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedProcessError, runGuarded } from '../../../../scripts/run-guarded.ts';
import { keptBuild, sourcesKey } from '../__fixtures__/kept-build.ts';

// Unhandled rejections are a process-level matter (Node's default `--unhandled-rejections=throw`
// prints the error and exits with code 1), so the program runs in a child process of its own;
// Node 20 cannot run TypeScript, so esbuild bundles it from source first.
const fixture = fileURLToPath(new URL('./__fixtures__/unawaited-run.ts', import.meta.url));
const LOCKFILE = fileURLToPath(new URL('../../../../pnpm-lock.yaml', import.meta.url));
let directory: string;
let program: string;

/** The bundle's options: with core's sources, esbuild's version and the lockfile, its key. */
const BUNDLE: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  conditions: ['@gemloop/source'],
  logLevel: 'silent',
};

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gemloop-unawaited-'));
  program = join(directory, 'unawaited-run.mjs');
  // Bundled once while core's sources and the dependencies stay as they are (~0.6 s of esbuild's
  // CPU a bundle, bench/RESULTS.md speed-units51), then copied out: everything is bundled, and
  // the program runs from a temporary directory with no node_modules.
  const key = await sourcesKey(
    [fileURLToPath(new URL('..', import.meta.url))],
    [version, JSON.stringify(BUNDLE), await readFile(LOCKFILE, 'utf8')],
  );
  const built = await keptBuild('unawaited-run', key, async (folder) => {
    await build({ ...BUNDLE, entryPoints: [fixture], outfile: join(folder, 'unawaited-run.mjs') });
  });
  await copyFile(join(built, 'unawaited-run.mjs'), program);
}, 60_000);
afterAll(() => rm(directory, { recursive: true, force: true }));

/** Its exit code and output; under the tests' hang guard, and gone with this test process. */
async function runProgram(
  mode: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await runGuarded(process.execPath, [program, mode], {
      cwd: directory,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (!(error instanceof GuardedProcessError) || error.failure.kind !== 'exit') throw error;
    return { code: error.failure.code, stdout: error.stdout, stderr: error.stderr };
  }
}

describe('agent.run() called without await', () => {
  it('makes a failed run an unhandled rejection: the process prints it and exits non-zero', async () => {
    const { code, stderr } = await runProgram('forgotten');

    expect(code).not.toBe(0);
    expect(stderr).toContain('ModelCallError');
  }, 120_000);

  it('stays quiet when the caller handles the rejection', async () => {
    expect(await runProgram('caught')).toEqual({
      code: 0,
      stdout: 'caught ModelCallError\n',
      stderr: '',
    });
  }, 120_000);
});
