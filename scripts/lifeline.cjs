// Preloaded (`node --require`) into the processes tests start (the examples, by
// examples/test/run-example-process.ts; the dbos worker fixtures): the process, and every process
// it started when it leads a process group (the examples are started `detached`), is killed the moment the test process that started it is gone, whatever ended that
// one (a finished run, a timed-out test, a SIGKILL). The test holds the other end of a pipe, fd
// GEMLOOP_LIFELINE_FD; the kernel closes it when the test process dies, and the end of the pipe
// is the signal. Without it, an example whose test timed out ran on, and the fleet and
// durable-team examples' worker processes outlived the whole `npm test` run.
// CommonJS and plain JavaScript, so it loads the same on plain node and under tsx.
'use strict';

const fd = Number(process.env.GEMLOOP_LIFELINE_FD);
// Read once: the example's own children (workers) are in its group already.
delete process.env.GEMLOOP_LIFELINE_FD;

if (Number.isInteger(fd) && fd > 2) {
  const { Socket } = require('node:net');
  const dieWithTheTest = () => {
    try {
      // The whole group, where this process leads one (spawned `detached`): its workers are in it.
      process.kill(-process.pid, 'SIGKILL');
    } catch {
      // ESRCH: it leads no group; itself, then.
      process.kill(process.pid, 'SIGKILL');
    }
  };
  try {
    const lifeline = new Socket({ fd, readable: true, writable: false });
    lifeline.on('end', dieWithTheTest);
    lifeline.on('error', dieWithTheTest);
    lifeline.resume();
    // Never what keeps the example running.
    lifeline.unref();
  } catch {
    // No such descriptor (a wrapper such as `script` did not pass it on): the group kill of the
    // test's own teardown is what is left.
  }
}
