import { execFile } from 'node:child_process';
import { it } from 'vitest';
import { runGuarded } from '../../../scripts/run-guarded.ts';

// Run by test/killed-vitest-run.test.ts in a Vitest run of its own, which it then kills: starts a
// child that would sleep forever, the way KILLED_RUN_WAY says, and waits to be killed.
it('starts a child and waits', async () => {
  const sleeper = ['-e', 'setInterval(() => {}, 1 << 30); // the killed run sleeper'];
  if (process.env['KILLED_RUN_WAY'] === 'execFile') execFile(process.execPath, sleeper);
  // A day of idling before the guard's own idle kill: only the lifeline may end it here.
  else void runGuarded(process.execPath, sleeper, { idleMs: 86_400_000 }).catch(() => {});
  await new Promise(() => {});
});
