// Preloaded (`execArgv` in vitest.config.ts) into the fork workers of the projects whose tests
// start processes: a worker ends when its Vitest main process is gone. A fork worker whose main
// process was killed (SIGKILL or SIGTERM: a CI step's limit, an OOM kill) ran on while its test
// waited, and so did every process its test had started, whose lifeline (lifeline.cjs, through
// run-guarded.ts) is tied to the worker. Vitest forks its workers with an IPC channel; the kernel
// closes it when the main process dies, and 'disconnect' is that event. Exiting runs
// run-guarded.ts's 'exit' handler (each guarded child's group killed) and closes the lifelines.
// A worker thread (the unit projects) dies with its process already.
'use strict';

if (typeof process.send === 'function') {
  process.once('disconnect', () => process.exit(1));
}
