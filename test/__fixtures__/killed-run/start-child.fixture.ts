import { execFile } from 'node:child_process';
import { it } from 'vitest';
import { runGuarded } from '../../../scripts/run-guarded.ts';
import { startGuarded } from '../../../scripts/start-guarded.ts';

// Run by test/killed-vitest-run.test.ts in a Vitest run of its own, which it then kills: starts a
// child that would sleep forever for each of the ways KILLED_RUN_WAYS lists (one run serves every
// way its kill applies to: a Vitest run is most of that file's CPU), and waits to be killed. Each
// sleeper names its way (in its command, or its environment for `sleep` and its watcher), so the
// test reads what is left of each way apart.
it('starts a child each way and waits', async () => {
  for (const way of (process.env['KILLED_RUN_WAYS'] ?? '').split(',')) {
    const sleeper = ['-e', `setInterval(() => {}, 1 << 30); // the killed run sleeper: ${way}`];
    if (way === 'execFile') execFile(process.execPath, sleeper);
    // A long-lived node child (a server, a worker, a CPU burner): the lifeline preload.
    else if (way === 'startGuarded') startGuarded(process.execPath, sleeper);
    // Any other command (the FIFO rescuers' `sh`): the shell that watches the same lifeline.
    else if (way === 'startGuarded-sh')
      startGuarded('sleep', ['86400'], {
        env: { ...process.env, KILLED_RUN_SLEEPER: way },
        stdio: ['ignore', 'ignore', 'ignore'],
      });
    // A day of idling before the guard's own idle kill: only the lifeline may end it here.
    else if (way === 'runGuarded')
      void runGuarded(process.execPath, sleeper, { idleMs: 86_400_000 }).catch(() => {});
    else throw new Error(`KILLED_RUN_WAYS: unknown way "${way}"`);
  }
  await new Promise(() => {});
});
