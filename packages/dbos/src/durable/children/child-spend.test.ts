import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentResult, createAgent, createGemini, defineTool } from '@gemloop/core';
import { subagent, TreeBudgetError } from '@gemloop/core/composition';
import { createFakeGemini, type FakeGemini, googleError, turn } from '@gemloop/testing';
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
  answered,
  type Body,
  firstText,
  script,
} from '../../__fixtures__/subagent-fake.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// Spent is spent in a durable run too (issue 31): a child workflow that fails after its model
// calls returned reports what they used and cost to its parent, as an in-process child does, also
// after a SIGKILL mid-child (counted once); and the subagents of one turn, which run at once and
// cannot see each other's spending, each get an equal share of what the tree budget had left, so
// together they stop where the same tree stops in-process (the worker fixture's `team`).

/** Where a test holds a run's slow tool until it has killed the worker (worker.ts HOLD_DIR). */
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[];
let counter: ReturnType<typeof createCounter>;

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
  const databaseUrl = await workerDatabase('childspend');
  counter = createCounter();
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `childspend-worker-${index}` })),
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
    const runId = 'spend-fail-crash';
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('team', { runId, input: 'fail crash' });
    await waitFor(() => counter.count(`start slow ${runId}/`) > 0, 'the child slow tool to start');
    const childId = `${runId}/1.0:call-research`;
    const executorId = (await runs.status(childId))?.executorId;
    const victim = workers.find((worker) => worker.executorId === executorId);
    if (victim === undefined) throw new Error(`no worker owns ${childId}`);
    await crashWorker(victim, () => rmSync(join(holdDirectory, runId)));

    const result = (await runs.result(runId)) as AgentResult<unknown>;
    expectChildCounted(result, {
      ...expected,
      text: expected.text.replace('inproc again', 'crash'),
    } as AgentResult<unknown>);
    // The child's two calls were replayed from their records, the failing one sent once.
    expect(childRequests('crash fail crash')).toBe(3);
  });

  it('gives the two subagents of one turn a share each, so the tree stops where it does in-process', async () => {
    // maxSteps 4 (a step counts when it ends, so the parent's first is not yet counted): in
    // process the two children share one live total and stop once their calls used the 4.
    let expected: unknown;
    try {
      expected = await inProcessTeam().run('pair inproc', { budget: { maxSteps: 4 } });
    } catch (error) {
      expected = error;
    }
    // (How many calls each in-process child makes first depends on how their calls interleave;
    // the tree's total is what is compared.)
    expect(TreeBudgetError.isInstance(expected)).toBe(true);
    expect((expected as TreeBudgetError).limit).toBe('steps');
    expect(childRequests('crash pair inproc')).toBeGreaterThanOrEqual(4);

    const runId = 'spend-pair';
    await runs.start('team', { runId, input: 'pair durable', budget: { maxSteps: 4 } });
    const error = await runs.result(runId).catch((thrown: unknown) => thrown);
    // Each child workflow may spend 2 of the 4 steps: the first stops before its third call.
    expect((error as Error).message).toContain('The run tree used 2 model steps');
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
