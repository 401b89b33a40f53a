// Run by run-example-process.test.ts in a Vitest of its own (vitest.fleet-left-running.config.ts):
// the fleet example (two worker processes) started by a test that ends without stopping it, then
// a test that times out, as a test on a loaded machine did. Its process group's id (the fleet's
// pid) and its command line go to FLEET_GROUP_FILE once its workers are ready.

import { existsSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { startExample } from '../run-example-process.ts';

it('starts the fleet and leaves it running', async () => {
  const fleet = startExample('fleet/fleet.ts', {
    // A free port: 8787, its default, may be taken (by another run of this test).
    args: ['--port', '0'],
    env: { DATABASE_URL: process.env['FLEET_DATABASE_URL'] ?? '' },
  });
  await fleet.waitFor('Workers: worker-a, worker-b.');
  // Its pid, then its command line (what it was started from), read at once by the outer test.
  writeFileSync(
    process.env['FLEET_GROUP_FILE'] ?? '',
    `${fleet.child.pid}\n${JSON.stringify(fleet.child.spawnargs)}`,
  );
  expect(fleet.child.exitCode).toBe(null);
  // Held until the outer test has read the fleet's process tree (FLEET_TREE_READ_FILE): the next
  // test's 1 s limit ran out first at load 12, its file's end killed a worker, and the outer
  // test read a tree of two. Its own limit is a hang guard.
  const treeRead = process.env['FLEET_TREE_READ_FILE'];
  while (treeRead !== undefined && !existsSync(treeRead)) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}, 300_000);

// Its limit is FLEET_HOLD_MS when given: the test that kills this test process midway needs the
// fleet running until it has read the process tree, which at load 46 took longer than the 1 s
// after which this test timed out and its file's end killed the fleet.
it('times out', async () => {
  await new Promise(() => {});
}, Number(process.env['FLEET_HOLD_MS'] ?? 1_000));
