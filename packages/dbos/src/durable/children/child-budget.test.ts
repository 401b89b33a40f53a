import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentResult, createAgent, createGemini, defineTool } from '@gemloop/core';
import { subagent, TreeBudgetError } from '@gemloop/core/composition';
import { createFakeGemini, type FakeGemini, googleError, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  crashWorker,
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { ownerOf } from '../../__fixtures__/holding-fleet.ts';
import {
  agentOf,
  answered,
  type Body,
  firstText,
  script,
} from '../../__fixtures__/subagent-fake.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// The tree budget (`runs.start(agent, { budget })`) across a subagent's child workflow: the child
// starts with what the tree had spent, is bounded by it, and its spending joins the tree's total,
// so a durable tree stops where the same tree stops in-process (the worker fixture's `team`:
// the parent calls `research`, whose child run makes 3 model calls: lookup, slow, answer).
//
// And spent is spent in a durable run too (issue 31): a child workflow that fails after its model
// calls returned reports what they used and cost to its parent, as an in-process child does, also
// after a SIGKILL mid-child (counted once); and the subagents of one turn, which run at once and
// cannot see each other's spending, each get an equal share of what the tree budget had left, so
// together they stop where the same tree stops in-process.
//
// Both describes share one fleet: their workers ran the same env, and the fake the same script
// (only a child task starting `crash fail` meets the 400 below, which no budget test sends). The
// two kill tests hold their runs' children in the slow tool of the one worker the file starts
// with, and one SIGKILL ends both (killedTogether). Each test reads its own run's requests by its
// input (bench/RESULTS.md, helper speed-dbos52b: child-spend.test.ts folded in here).
//
// The first describe (attack30, child-workflow-hostile.attacks.test.ts folded in here by helper
// speed-dbos53) ran two workers of the same env on the same script less the 400 (its children's
// tasks start `crash cancel`, `crash leak`, `crash after`): its cancelled tree is the first run
// on the one worker, and the kill that ends it is killedTogether's, which lets go of every hold.

/** Where a test holds a run's slow tool until it has killed the worker (worker.ts HOLD_DIR). */
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[];
let counter: ReturnType<typeof createCounter>;
let env: Record<string, string>;
let databaseUrl: string;

/** A child run whose task starts `crash fail` fails at its third model call (after `slow`). */
function failsHere(body: Body): boolean {
  return (
    agentOf(body) === 'child' &&
    firstText(body).startsWith('crash fail') &&
    answered(body).includes('slow')
  );
}

beforeAll(async () => {
  fake = createFakeGemini({
    signatureValidation: 'present',
    script: (request) => turn.raw(script(request.body as Body)),
    faults: [
      {
        // A 400 is not retried: the child's run fails with a ModelCallError.
        fault: {
          type: 'http-error',
          error: googleError(400, 'The request is not valid.'),
        },
        on: (call) => failsHere(call.body as Body),
      },
    ],
  });
  await fake.listen();
  databaseUrl = await workerDatabase('childbudget');
  counter = createCounter();
  env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  // One: both kill tests' runs are on it when killedTogether starts their taker and kills it.
  workers = [await startWorker({ ...env, EXECUTOR_ID: 'childbudget-worker-0' })];
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers ?? []) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

/**
 * The same tree as the worker's `team`, in this process, against the same fake. No retries: the
 * child that meets the 400 fails at once, as the worker's does.
 */
function inProcessTeam() {
  const gemini = createGemini({
    apiKey: 'test-key',
    baseUrl: fake.url,
    retry: { maxRetries: 0 },
  });
  const model = 'gemini-3-flash-preview';
  const parameters = z.object({ order: z.string() });
  const researcher = createAgent({
    gemini,
    model,
    instructions: 'CHILD: research one question.',
    tools: [
      defineTool({
        name: 'lookup',
        description: 'Looks an order up.',
        parameters,
        execute: ({ order }) => ({ order, status: 'shipped' }),
      }),
      defineTool({
        name: 'slow',
        description: 'Takes a while.',
        parameters,
        execute: ({ order }) => ({ order, status: 'slow done' }),
      }),
    ],
  });
  return createAgent({
    gemini,
    model,
    instructions: 'PARENT: delegate research.',
    tools: [subagent(researcher, { name: 'research', description: 'Researches one question.' })],
  });
}

/** The in-process run's outcome under `maxSteps`: its result, or its TreeBudgetError. */
async function inProcess(
  maxSteps: number,
  maxCostUsd?: string,
): Promise<AgentResult<unknown> | TreeBudgetError> {
  try {
    return await inProcessTeam().run(
      `inproc ${maxSteps}${maxCostUsd === undefined ? '' : ` ${maxCostUsd}`}`,
      {
        budget: { maxSteps, ...(maxCostUsd === undefined ? {} : { maxCostUsd }) },
      },
    );
  } catch (error) {
    if (TreeBudgetError.isInstance(error)) return error;
    throw error;
  }
}

function requestsOf(agent: 'child' | 'parent', input: string): number {
  return fake.modelRequests.filter(
    (request) =>
      agentOf(request.body as Body) === agent && firstText(request.body as Body) === input,
  ).length;
}

/** The two kill tests' runs of `team`: run id, input, and the budget of the budget one. */
const TOGETHER = {
  // maxSteps 3 stops the child before its third call: the parent's step under way holds one
  // (leftovers79a; with 2 the child's second call, before the slow tool, is refused).
  budget: { runId: 'budget-child-crash', input: 'budget crash', budget: { maxSteps: 3 } },
  // Its child meets the 400 at its third call, after the kill.
  spend: { runId: 'spend-fail-crash', input: 'fail crash' },
} as const;

let together: Promise<WorkerProcess> | undefined;

/**
 * Starts both kill tests' runs, waits until each child is inside its held slow tool (after its
 * second model call), starts the worker that takes over and SIGKILLs the one that ran them,
 * telling the fleet at once (crashWorker), and lets go of every hold in the folder while it is
 * dead (the cancelled tree's too, if its test ran first). Returns the victim. Once for all three
 * kill tests, whichever runs first; a test run alone (`-t`) sets it up itself.
 */
function killedTogether(): Promise<WorkerProcess> {
  together ??= (async () => {
    const { budget, spend } = TOGETHER;
    // The slow tools wait until the worker is killed (a timer would race the kill).
    for (const { runId } of [budget, spend]) writeFileSync(join(holdDirectory, runId), '');
    await runs.start('team', budget);
    await runs.start('team', { runId: spend.runId, input: spend.input });
    for (const { runId } of [budget, spend]) {
      await waitFor(
        () => counter.count(`start slow ${runId}/`) > 0,
        `the child slow tool of ${runId} to start`,
      );
    }
    // A child runs where its top run does: both on the one worker.
    const victim = await ownerOf(runs, workers, `${budget.runId}/1.0:call-research`);
    expect(await ownerOf(runs, workers, `${spend.runId}/1.0:call-research`)).toBe(victim);
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'childbudget-worker-1' }));
    await crashWorker(victim, () => {
      for (const hold of readdirSync(holdDirectory)) rmSync(join(holdDirectory, hold));
    });
    return victim;
  })();
  return together;
}

/** The rows of the fleet's worker table of `executorId` (0 once a survivor took its runs over). */
async function workerRows(executorId: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM gemloop.workers WHERE executor_id = $1',
      [executorId],
    );
    return rows[0]?.count ?? 0;
  } finally {
    await client.end();
  }
}

// attack30: a durable tree under attack from its child workflow. The parent cancelled while its
// child runs (the child's slow tool held in the middle of its run), then the worker that ran it
// SIGKILLed: the cancel must reach the child (its tool's signal, its workflow's status), no model
// call of the child or the parent may follow it, and a worker that takes the dead one's runs
// over must not resume the cancelled child. A child that fails with a driver's message: its
// password and addresses must not reach the parent model, the stored result or the events.
// First in the file: its tree must run on the worker killedTogether kills.
describe('a durable tree under attack from its child workflow', () => {
  it('stops a running child workflow when its parent is cancelled, and no worker resumes it after a SIGKILL', async () => {
    const input = 'cancel-mid-child';
    writeFileSync(join(holdDirectory, 'tree-cancel'), '');
    const { runId } = await runs.start('team', { runId: 'tree-cancel', input });
    const childId = `${runId}/1.0:call-research`;
    await waitFor(
      () => counter.count(`start slow ${childId}:`) === 1,
      'the child to start its slow tool',
    );
    const ownerId = (await runs.status(runId))?.executorId;
    await runs.cancel(runId);
    expect((await runs.status(runId))?.status).toBe('CANCELLED');
    // The cancel reaches the child while its tool still runs: the tool's signal stops it (the
    // hold is still there), and the child's workflow is cancelled with the tree.
    await waitFor(
      () => counter.count(`stopped slow ${childId}:`) === 1,
      "the child's slow tool to be stopped by the cancel",
    );
    expect(await runs.childRuns(runId)).toMatchObject([{ runId: childId, status: 'CANCELLED' }]);
    const error = await runs.result(runId).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/cancel/i);

    // The worker that ran the tree dies (with the two kill tests' runs); another takes its runs
    // over. The kill lets go of the hold: a resumed child would now finish its tool and call its
    // model again.
    const victim = await killedTogether();
    expect(victim.executorId).toBe(ownerId);
    // The survivor takes the dead worker's runs over, then forgets it (worker-liveness.ts); a run
    // started after that ends on the survivor, by when a resumed child would have gone on.
    await waitFor(
      async () => (await workerRows(victim.executorId)) === 0,
      'the takeover',
      120_000,
      100,
    );
    const { runId: later } = await runs.start('team', { runId: 'after-takeover', input: 'after' });
    expect((await runs.result(later)).text).toBe('parent answer to after');

    expect(counter.count(`done slow ${childId}:`)).toBe(0);
    // Lookup then slow: the child's two model calls before the cancel, none after it.
    expect(requestsOf('child', `crash ${input}`)).toBe(2);
    expect(requestsOf('parent', input)).toBe(1);
    expect((await runs.status(runId))?.status).toBe('CANCELLED');
    expect(await runs.childRuns(runId)).toMatchObject([{ runId: childId, status: 'CANCELLED' }]);
  });

  it("tells the parent model of a child workflow that failed without the thrown message's secrets", async () => {
    const input = 'leak-run';
    const { runId } = await runs.start('teamLeak', { runId: 'tree-leak', input });
    const result = await runs.result(runId);
    expect(result.text).toBe(`parent answer to ${input}`);
    const answer = JSON.stringify(result.contents[2]?.parts?.[0]?.functionResponse?.response);
    // The parent model learns the child failed, and the driver's own words.
    expect(answer).toContain('"error"');
    expect(answer).toContain('ECONNREFUSED');
    const events: unknown[] = [];
    for await (const { event } of runs.events(runId)) events.push(event);
    const seen = JSON.stringify({
      requests: fake.modelRequests.map((request) => request.body),
      result,
      events,
    });
    for (const leaked of ['hunter2-child-driver', '10.20.30.40', 'vault.internal']) {
      expect(seen).not.toContain(leaked);
    }
    expect(await runs.childRuns(runId)).toMatchObject([{ status: 'ERROR' }]);
    // Nor the tree's rows (redact41): the child's status row and the parent's record of its wait
    // held the driver's message whole in the PluginError's cause.
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ text: string }>(
        `SELECT t::text AS text FROM dbos.workflow_status t WHERE workflow_uuid LIKE $1
         UNION ALL
         SELECT t::text FROM dbos.operation_outputs t WHERE workflow_uuid LIKE $1`,
        [`${runId}%`],
      );
      const stored = rows.map((row) => row.text).join('\n');
      expect(stored).toContain('PluginError');
      expect(stored).toContain('ECONNREFUSED <host> (<url>)');
      for (const leaked of ['hunter2-child-driver', '10.20.30.40', 'vault.internal']) {
        expect(stored).not.toContain(leaked);
      }
    } finally {
      await client.end();
    }
  });
});

describe('the tree budget of a durable run with a subagent child workflow', () => {
  it('stops inside the child where the same tree stops in-process', async () => {
    const expected = await inProcess(2);
    expect(TreeBudgetError.isInstance(expected)).toBe(true);
    const error = expected as TreeBudgetError;
    // In-process: a step counts when it ends (its tool calls too), and holds its unit until then
    // (leftovers79a): the parent's first step, which calls the subagent, and the child's first
    // call use the budget up, and the child's second is refused. (Before, the parent's step was
    // not seen: the child made two calls, three in the tree.)
    expect(error.path).toEqual(['research#1']);
    expect(error.used).toBe(2);

    const runId = 'budget-child-2';
    await runs.start('team', { runId, input: 'budget 2', budget: { maxSteps: 2 } });
    await expect(runs.result(runId)).rejects.toThrow(error.message);
    expect(requestsOf('parent', 'budget 2')).toBe(1);
    expect(requestsOf('child', 'crash budget 2')).toBe(1);
  });

  it('stops inside the child on the cost budget, the parent call counted', async () => {
    // A call costs $0.000025 (20 input tokens at $0.50/1M, 5 output at $3/1M); a call is counted
    // when priced, so the parent's first call and the child's first are over $0.00003 together.
    const expected = (await inProcess(100, '0.00003')) as TreeBudgetError;
    expect(TreeBudgetError.isInstance(expected)).toBe(true);
    expect(expected.limit).toBe('cost');
    expect(expected.path).toEqual(['research#1']);

    const runId = 'budget-child-cost';
    await runs.start('team', {
      runId,
      input: 'budget cost',
      budget: { maxSteps: 100, maxCostUsd: '0.00003' },
    });
    await expect(runs.result(runId)).rejects.toThrow(expected.message);
    expect(requestsOf('parent', 'budget cost')).toBe(1);
    expect(requestsOf('child', 'crash budget cost')).toBe(1);
  });

  it("counts the child's cost against the parent: the parent stops after the child", async () => {
    // Parent call 1 and the child's calls 1 and 2 cost $0.000025 each: $0.000075 lets the child's
    // third call start (over, not at) and refuses the parent's second once the child's cost is in
    // the tree's total. A child workflow reports what it spent back to its parent.
    const expected = (await inProcess(100, '0.000075')) as TreeBudgetError;
    expect(TreeBudgetError.isInstance(expected)).toBe(true);
    expect(expected.limit).toBe('cost');
    expect(expected.path).toEqual([]);

    const runId = 'budget-child-cost-after';
    await runs.start('team', {
      runId,
      input: 'budget cost after',
      budget: { maxSteps: 100, maxCostUsd: '0.000075' },
    });
    await expect(runs.result(runId)).rejects.toThrow(expected.message);
    expect(requestsOf('parent', 'budget cost after')).toBe(1);
    expect(requestsOf('child', 'crash budget cost after')).toBe(3);
  });

  it("counts the child's steps against the parent: the parent stops after the child", async () => {
    const expected = (await inProcess(4)) as TreeBudgetError;
    expect(expected.path).toEqual([]);
    expect(expected.used).toBe(4);

    const runId = 'budget-child-4';
    await runs.start('team', { runId, input: 'budget 4', budget: { maxSteps: 4 } });
    await expect(runs.result(runId)).rejects.toThrow(expected.message);
    expect(requestsOf('parent', 'budget 4')).toBe(1);
    expect(requestsOf('child', 'crash budget 4')).toBe(3);
  });

  it("ends within a budget that fits, its usage and cost the child's too", async () => {
    const expected = (await inProcess(5)) as AgentResult<unknown>;
    expect(expected.text).toBe('parent answer to inproc 5');

    const runId = 'budget-child-5';
    await runs.start('team', { runId, input: 'budget 5', budget: { maxSteps: 5 } });
    const result = (await runs.result(runId)) as AgentResult<unknown>;
    expect(result.text).toBe('parent answer to budget 5');
    // Parent 25 + 38 tokens, child 25 + 25 + 38.
    expect(result.usage.totalTokenCount).toBe(151);
    expect(result.usage).toEqual(expected.usage);
    expect(result.cost).toEqual(expected.cost);
  });

  it('keeps the same stopping point when a worker is SIGKILLed mid-child', async () => {
    // Held in the child's slow tool (after its second model call) until the kill (killedTogether).
    const { runId, input } = TOGETHER.budget;
    const victim = await killedTogether();

    const expected = (await inProcess(3)) as TreeBudgetError;
    await expect(runs.result(runId)).rejects.toThrow(expected.message);
    expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
    // The child's two calls were replayed from their records, not sent again; no third.
    expect(requestsOf('parent', input)).toBe(1);
    expect(requestsOf('child', `crash ${input}`)).toBe(2);
  });
});

function childRequests(prefix: string): number {
  return fake.modelRequests.filter(
    (request) =>
      agentOf(request.body as Body) === 'child' &&
      firstText(request.body as Body).startsWith(prefix),
  ).length;
}

/** What the parent reports of a child that failed after two model calls (25 tokens each). */
function expectChildCounted(result: AgentResult<unknown>, expected: AgentResult<unknown>): void {
  expect(result.text).toBe(expected.text.replace('inproc', 'fail'));
  // Parent 25 + 38 tokens, the failed child 25 + 25.
  expect(expected.usage.totalTokenCount).toBe(113);
  expect(result.usage).toEqual(expected.usage);
  expect(result.cost).toEqual(expected.cost);
  expect(result.usageByAgent).toEqual(expected.usageByAgent);
  expect(result.steps[0]?.usageWithChildren).toEqual(expected.steps[0]?.usageWithChildren);
  expect(result.steps[0]?.toolCalls[0]?.usage?.totalTokenCount).toBe(50);
  // The failed child is a failed call in a durable run too, as in process.
  expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('execution-error');
  expect(result.steps[0]?.toolCalls[0]?.outcome).toBe(expected.steps[0]?.toolCalls[0]?.outcome);
}

describe('a durable run counts what its child workflows spent, however they ended', () => {
  it('counts a child workflow that failed after two model calls, as in-process', async () => {
    const expected = await inProcessTeam().run('fail inproc');
    expect(childRequests('crash fail inproc')).toBe(3);
    // A failed call, as a throwing tool's (leftovers51; before, a success whose output held it).
    expect(expected.steps[0]?.toolCalls[0]?.outcome).toBe('execution-error');
    expect(expected.steps[0]?.toolCalls[0]?.error).toContain('failed');

    const runId = 'spend-fail';
    await runs.start('team', { runId, input: 'fail durable' });
    const result = (await runs.result(runId)) as AgentResult<unknown>;
    // The run's stored events say so: a `tool-error` of the parent's call, no `tool-result`.
    const settled: string[] = [];
    for await (const { event } of runs.events(runId)) {
      if ((event.type === 'tool-error' || event.type === 'tool-result') && event.path.length === 0)
        settled.push(event.type === 'tool-error' ? `tool-error:${event.outcome}` : event.type);
    }
    expect(settled).toEqual(['tool-error:execution-error']);
    expectChildCounted(result, {
      ...expected,
      text: expected.text.replace('inproc', 'durable'),
    } as AgentResult<unknown>);
    expect(childRequests('crash fail durable')).toBe(3);
    // And the model reads the same words of it as in process, once (leftovers53: a durable
    // child's failure is thrown again by the subagent in the parent's workflow, never through a
    // tool step's record). The worker's model calls stream, so against the streamed run: the
    // child's error names the endpoint it failed at.
    const streamed = await inProcessTeam().stream('fail inproc streamed').result;
    const told = result.steps[0]?.toolCalls[0]?.error;
    expect(told).toMatch(/^The subagent research failed: The model call of step 3 failed: /);
    expect(told).toBe(streamed.steps[0]?.toolCalls[0]?.error);
  });

  it('counts it once when the worker running the child is SIGKILLed mid-child', async () => {
    const expected = await inProcessTeam().run('fail inproc again');
    // Held in the child's slow tool (after its second model call) until the kill (killedTogether).
    const { runId } = TOGETHER.spend;
    const victim = await killedTogether();

    const result = (await runs.result(runId)) as AgentResult<unknown>;
    expectChildCounted(result, {
      ...expected,
      text: expected.text.replace('inproc again', 'crash'),
    } as AgentResult<unknown>);
    expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
    // The child's two calls were replayed from their records, the failing one sent once.
    expect(childRequests('crash fail crash')).toBe(3);
  });

  it('gives the two subagents of one turn a share each, so the tree stops where it does in-process', async () => {
    // maxSteps 5 (the parent's first step holds one until it ends, leftovers79a): in process the
    // two children share one live total and stop once their calls used the other 4.
    let expected: unknown;
    try {
      expected = await inProcessTeam().run('pair inproc', { budget: { maxSteps: 5 } });
    } catch (error) {
      expected = error;
    }
    // (How many calls each in-process child makes first depends on how their calls interleave;
    // the tree's total is what is compared.)
    expect(TreeBudgetError.isInstance(expected)).toBe(true);
    expect((expected as TreeBudgetError).limit).toBe('steps');
    // At most the 4 the parent's step leaves (before leftovers79a, 4 or more: the parent's step
    // under way was not seen).
    expect(childRequests('crash pair inproc')).toBeLessThanOrEqual(4);

    const runId = 'spend-pair';
    await runs.start('team', { runId, input: 'pair durable', budget: { maxSteps: 5 } });
    const error = await runs.result(runId).catch((thrown: unknown) => thrown);
    // Each child workflow may spend 2 of the 4 steps the parent's (held) leaves, starting from it
    // as spent: the first stops before its third call, at 1 + 2.
    expect((error as Error).message).toContain('The run tree has 3 model steps taken or under way');
    expect((error as Error).message).toContain('research#1');
    expect(childRequests('crash pair durable A')).toBe(2);
    expect(childRequests('crash pair durable B')).toBe(2);
  });
  it('shares a cost budget the same way, to the pico-dollar', async () => {
    // A call costs $0.000025; the parent's first is priced before the children start, leaving
    // $0.000075 of $0.0001: each child may spend $0.0000375, so each stops before its third call
    // (in-process, the live total stops them after 4 calls together too).
    const runId = 'spend-pair-cost';
    await runs.start('team', {
      runId,
      input: 'pair cost durable',
      budget: { maxSteps: 100, maxCostUsd: '0.0001' },
    });
    const error = await runs.result(runId).catch((thrown: unknown) => thrown);
    expect((error as Error).message).toContain(
      'its budget is $0.0000625 (options.budget.maxCostUsd)',
    );
    expect(childRequests('crash pair cost durable A')).toBe(2);
    expect(childRequests('crash pair cost durable B')).toBe(2);
  });
});
