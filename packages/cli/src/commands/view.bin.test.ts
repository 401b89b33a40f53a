import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_LIMIT_MS, buildCli, CLI_BIN } from '../__fixtures__/build-cli.ts';

const exec = promisify(execFile);
const bin = CLI_BIN;

// The bin imports the built @gemloop/core; build both first (incremental, quick when fresh).
beforeAll(buildCli, BUILD_LIMIT_MS);

describe('the built gemloop bin', () => {
  it('lists view and prints its usage, as npx gemloop would run it', async () => {
    const listed = await exec(process.execPath, [bin, 'help'], { timeout: 120_000 });
    expect(listed.stdout).toMatch(/^ {2}view +show recorded agent runs/m);
    const usage = await exec(process.execPath, [bin, 'view', '--help'], { timeout: 120_000 });
    expect(usage.stdout).toContain(
      'Usage: gemloop view [--dir FOLDER] [--evals FOLDER] [--forks FOLDER] [--port N]',
    );
  });
});
