import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
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
  const scratch = makeScratchDirectory(tmpdir(), 'gemloop-test-run-');
  process.env['TMPDIR'] = scratch;
  return () => {
    if (outer === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = outer;
    rmSync(scratch, { recursive: true, force: true });
  };
}

/**
 * A new temporary folder under `parent` that every user can enter (mode 1777, as /tmp), with
 * tsx's compile cache linked in from `parent`: tsx keeps it at `os.tmpdir()/tsx-<uid>`, and a
 * process under a fresh TMPDIR compiled every file again (the suite ran ~15 s longer when each
 * example process had a TMPDIR of its own). The same for startEmbeddedPostgres's clusters
 * (`gemloop-initdb-<uid>`, mode 0700: initdb-cache.ts): a run's starts copy the one kept by the
 * runs before. Removing the folder removes the links, not the caches.
 */
export function makeScratchDirectory(parent: string, prefix: string): string {
  const scratch = mkdtempSync(join(parent, prefix));
  chmodSync(scratch, 0o1777);
  const user = process.geteuid?.() ?? userInfo().username;
  for (const [name, mode] of [
    [`tsx-${user}`, 0o777],
    // initdb-cache.ts defaultInitdbCache (not imported: the examples' tsconfig reads this file).
    [`gemloop-initdb-${user}`, 0o700],
  ] as const) {
    const cache = join(parent, name);
    mkdirSync(cache, { recursive: true, mode });
    symlinkSync(realpathSync(cache), join(scratch, name), 'dir');
  }
  return scratch;
}
