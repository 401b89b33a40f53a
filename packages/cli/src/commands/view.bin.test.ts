import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

// The bin imports the built @gemloop/core; build both first (incremental, quick when fresh).
beforeAll(async () => {
  await exec(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', 'packages/cli'], {
    cwd: root,
    timeout: 300_000,
  });
}, 300_000);

describe('the built gemloop bin', () => {
  it('lists view and prints its usage, as npx gemloop would run it', async () => {
    const listed = await exec(process.execPath, [bin, 'help'], { timeout: 120_000 });
    expect(listed.stdout).toMatch(/^ {2}view +show recorded agent runs/m);
    const usage = await exec(process.execPath, [bin, 'view', '--help'], { timeout: 120_000 });
    expect(usage.stdout).toContain(
      'Usage: gemloop view [--dir FOLDER] [--evals FOLDER] [--port N]',
    );
  });
});
