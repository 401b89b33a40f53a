import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentResult, createAgent, createGemini, defineTool } from '@gemloop/core';
import { subagent, TreeBudgetError } from '@gemloop/core/composition';
import type { FakeGemini } from '@gemloop/testing';
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
import {
  agentOf,
  type Body,
  createSubagentFake,
  firstText,
} from '../../__fixtures__/subagent-fake.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// The tree budget (`runs.start(agent, { budget })`) across a subagent's child workflow: the child
// starts with what the tree had spent, is bounded by it, and its spending joins the tree's total,
// so a durable tree stops where the same tree stops in-process (the worker fixture's `team`:
// the parent calls `research`, whose child run makes 3 model calls: lookup, slow, answer).

/** Where a test holds a run's slow tool until it has killed the worker (worker.ts HOLD_DIR). */
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[];
let counter: ReturnType<typeof createCounter>;

beforeAll(async () => {
  fake = createSubagentFake();
  await fake.listen();
  const databaseUrl = await workerDatabase('childbudget');
  counter = createCounter();
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `childbudget-worker-${index}` })),
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers ?? []) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

/** The same tree as the worker's `team`, in this process, against the same fake. */
function inProcessTeam() {
  const gemini = createGemini({ apiKey: 'test-key', baseUrl: fake.url });
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

describe('the tree budget of a durable run with a subagent child workflow', () => {
  it('stops inside the child where the same tree stops in-process', async () => {
    const expected = await inProcess(2);
    expect(TreeBudgetError.isInstance(expected)).toBe(true);
    const error = expected as TreeBudgetError;
    // In-process: a step counts when it ends (its tool calls too), so the parent's first step,
    // which calls the subagent, is not yet counted: the child's two calls use the budget up and
    // its third is refused.
    expect(error.path).toEqual(['research#1']);
    expect(error.used).toBe(2);

    const runId = 'budget-child-2';
    await runs.start('team', { runId, input: 'budget 2', budget: { maxSteps: 2 } });
    await expect(runs.result(runId)).rejects.toThrow(error.message);
    expect(requestsOf('parent', 'budget 2')).toBe(1);
    expect(requestsOf('child', 'crash budget 2')).toBe(2);
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
    const runId = 'budget-child-crash';
    // maxSteps 2 stops the child before its third call (test 1). The child's slow tool (after
    // its second model call) waits until the worker is killed.
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('team', { runId, input: 'budget crash', budget: { maxSteps: 2 } });
    await waitFor(() => counter.count(`start slow ${runId}/`) > 0, 'the child slow tool to start');
    const childId = `${runId}/1.0:call-research`;
    const executorId = (await runs.status(childId))?.executorId;
    const victim = workers.find((worker) => worker.executorId === executorId);
    if (victim === undefined) throw new Error(`no worker owns ${childId}`);
    await crashWorker(victim, () => rmSync(join(holdDirectory, runId)));

    const expected = (await inProcess(2)) as TreeBudgetError;
    await expect(runs.result(runId)).rejects.toThrow(expected.message);
    // The child's two calls were replayed from their records, not sent again; no third.
    expect(requestsOf('parent', 'budget crash')).toBe(1);
    expect(requestsOf('child', 'crash budget crash')).toBe(2);
  });
});
