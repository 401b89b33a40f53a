// A worker that only starts (a test fixture, not library code; fleet.start-worker.test.ts): what
// `startWorker`'s hang guard sees of a start, without DBOS or Postgres. START_WORK says how:
// - `hang`: prints that it is starting, then waits for nothing, never ready (using no CPU);
// - a number: works (spins) for that many ms of its own CPU time (user and system, as the guard
//   counts it), then says `ready slow-start`.
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
  // Read every ~million additions, not at each turn: each read is a system call (getrusage),
  // and read in a tight loop they cost ~6 s of system time on top of the 1.5 s of user time the
  // test asked for (bench/RESULTS.md, speed-dbos1).
  let sum = 0;
  const spent = (): number => {
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  while (spent() < until) {
    for (let step = 0; step < 1_000_000; step++) sum += step;
  }
  // The sum is used, so the loop is not optimised away.
  process.stdout.write(`ready slow-start${sum < 0 ? ' never' : ''}\n`);
  setInterval(() => {}, 60_000);
}
