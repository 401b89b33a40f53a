import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The run's own temporary folder, the root config's first global setup (vitest.config.ts): every
 * test process inherits it as TMPDIR (Node's `os.tmpdir()` reads the variable on each call), and
 * it is removed with everything in it when the run ends. A test cleans up after itself; this is
 * for what one forgets, or cannot reach: a worker killed mid-test, an example's child process,
 * a fixture's counter file. Before it, every `npm test` left a few hundred folders in /tmp.
 *
 * World-writable with the sticky bit, as /tmp is: the embedded Postgres runs as another user
 * (createPostgresUser) and keeps its data folder in here.
 */
export default function setup(): () => void {
  const outer = process.env['TMPDIR'];
  const scratch = mkdtempSync(join(tmpdir(), 'gemloop-test-run-'));
  chmodSync(scratch, 0o1777);
  process.env['TMPDIR'] = scratch;
  return () => {
    if (outer === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = outer;
    rmSync(scratch, { recursive: true, force: true });
  };
}
