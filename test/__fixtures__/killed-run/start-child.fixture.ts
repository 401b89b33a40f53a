import { execFile } from 'node:child_process';
import { it } from 'vitest';
import { runGuarded } from '../../../scripts/run-guarded.ts';
import { startGuarded } from '../../../scripts/start-guarded.ts';

// Run by test/killed-vitest-run.test.ts in a Vitest run of its own, which it then kills: starts a
// child that would sleep forever, the way KILLED_RUN_WAY says, and waits to be killed.
it('starts a child and waits', async () => {
  const sleeper = ['-e', 'setInterval(() => {}, 1 << 30); // the killed run sleeper'];
  const way = process.env['KILLED_RUN_WAY'];
  if (way === 'execFile') execFile(process.execPath, sleeper);
  // A long-lived node child (a server, a worker, a CPU burner): the lifeline preload.
  else if (way === 'startGuarded') startGuarded(process.execPath, sleeper);
  // Any other command (the FIFO rescuers' `sh`): the shell that watches the same lifeline.
  else if (way === 'startGuarded-sh')
    startGuarded('sleep', ['86400'], {
      env: { ...process.env, KILLED_RUN_SLEEPER: 'yes' },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
  // A day of idling before the guard's own idle kill: only the lifeline may end it here.
  else void runGuarded(process.execPath, sleeper, { idleMs: 86_400_000 }).catch(() => {});
  await new Promise(() => {});
});
