import type { FakeGemini } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import {
  agentOf,
  type Body,
  createSubagentFake,
  firstText,
} from '../../__fixtures__/subagent-fake.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// A subagent's call that waits for approval past the deadline: the approval sweep resumes the
// child (not its parent, which waits on it), the child denies the call and ends, and its end
// resumes the parent.

let fake: FakeGemini;
let runs: DurableRuns;
let worker: WorkerProcess;
let counter: ReturnType<typeof createCounter>;

beforeAll(async () => {
  fake = createSubagentFake();
  await fake.listen();
  const databaseUrl = await workerDatabase('child-timeout');
  counter = createCounter();
  worker = await startWorker({
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    EXECUTOR_ID: 'child-timeout-worker',
    APPROVAL_TIMEOUT_MS: '1500',
    // The sweep answers the timeout: every 500 ms here (the fixture's default is 2 s).
    APPROVAL_SWEEP_MS: '500',
  });
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  if (worker !== undefined) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
});

describe("a subagent's approval that times out in a durable run", () => {
  it('denies the call in the child, which ends and resumes its parent', async () => {
    const input = 'approve-timeout';
    const { runId } = await runs.start('teamApproval', { runId: 'team-timeout', input });
    await waitFor(
      async () => (await runs.status(runId))?.awaitingApproval === true,
      'the tree to pause',
    );
    const result = await runs.result(runId);
    expect(result.text).toBe(`parent answer to ${input}`);
    expect(counter.count(`done refund ${runId}/`)).toBe(0);
    const child = fake.modelRequests.filter(
      (request) =>
        agentOf(request.body as Body) === 'child' &&
        firstText(request.body as Body) === `approve ${input}`,
    );
    expect(child).toHaveLength(2);
    expect(JSON.stringify(child[1]?.body)).toContain('No approval arrived within');
    expect(await runs.status(runId)).toMatchObject({ status: 'SUCCESS', awaitingApproval: false });
    expect(await runs.childRuns(runId)).toMatchObject([
      { runId: `${runId}/1.0:call-research`, status: 'SUCCESS' },
    ]);
  });
});
