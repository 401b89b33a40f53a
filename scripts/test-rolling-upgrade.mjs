// `npm run test:rolling-upgrade [-- <commit>]`: the rolling-upgrade check of @gemloop/dbos
// (packages/dbos/src/durable/runs/rolling-upgrade.attacks.test.ts) against a previous release.
// That file needs a second checkout, installed and built, which `npm test` cannot afford on
// every run (an install and a `tsc -b` of another tree: minutes of CPU), so it is skipped there
// and run here: this script checks `<commit>` out beside the repository (a detached worktree in
// the temporary folder), installs and builds it, runs the file with GEMLOOP_OLD_CHECKOUT naming
// it, and removes the worktree whatever happened. The default commit is main just before
// durable-chat54 changed what a run's result stores (bench/RESULTS.md, attack55).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const commit = process.argv[2] ?? '122e6ef9';
if (!/^[0-9a-f]{7,40}$/i.test(commit)) {
  process.stderr.write(`Usage: npm run test:rolling-upgrade [-- <commit>]; got "${commit}".\n`);
  process.exit(2);
}

/** Runs a command to its end, its output shown; a failure ends the script with its status. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
  }
}

const old = join(mkdtempSync(join(tmpdir(), 'gemloop-old-')), 'checkout');
let status = 1;
try {
  run('git', ['-C', root, 'worktree', 'add', '--detach', old, commit]);
  run('npx', ['-y', 'pnpm@12.21.0', 'install', '--frozen-lockfile', '--prefer-offline'], {
    cwd: old,
  });
  run('npx', ['tsc', '-b'], { cwd: old });
  run(
    'npx',
    ['vitest', 'run', '--project', 'dbos', 'packages/dbos/src/durable/runs/rolling-upgrade'],
    { cwd: root, env: { ...process.env, GEMLOOP_OLD_CHECKOUT: old } },
  );
  status = 0;
} catch (error) {
  process.stderr.write(`test:rolling-upgrade: ${error.message}\n`);
} finally {
  spawnSync('git', ['-C', root, 'worktree', 'remove', '--force', old], { stdio: 'inherit' });
  rmSync(join(old, '..'), { recursive: true, force: true });
}
process.exit(status);
