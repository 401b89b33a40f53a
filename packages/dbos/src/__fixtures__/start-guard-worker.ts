// A worker that only starts (a test fixture, not library code; fleet.start-worker.test.ts): what
// `startWorker`'s hang guard sees of a start, without DBOS or Postgres. START_WORK says how:
// - `hang`: prints that it is starting, then waits for nothing, never ready (using no CPU);
// - a number: works (spins) for that many ms of its own CPU time, then says `ready slow-start`.
// START_MARKER, when set: a file written once `starting` is in the pipe (stdout to a pipe is
// synchronous on Linux), for a test that must know the line was printed before it reads it.
import { writeFileSync } from 'node:fs';

const work = process.env['START_WORK'] ?? 'hang';
process.stdout.write('starting\n');
const marker = process.env['START_MARKER'];
if (marker !== undefined) writeFileSync(marker, '');
if (work === 'hang') {
  setInterval(() => {}, 60_000);
} else {
  const until = Number(work) * 1000;
  // CPU time, not wall time: on a loaded machine the spin takes longer, as a real start does.
  while (process.cpuUsage().user < until) {
    // spin
  }
  process.stdout.write('ready slow-start\n');
  setInterval(() => {}, 60_000);
}
