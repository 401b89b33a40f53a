import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent } from '@gemloop/core';
import { toDurableEventStreamResponse } from '@gemloop/core/web';
import type { FakeGemini } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  type Body,
  createSubagentFake,
  firstText,
  SECRET_PASSWORD,
} from '../../__fixtures__/subagent-fake.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';
import { readRecordedRuns } from '../../recorded-runs/index.ts';

// A subagent inside a durable run is a DBOS child workflow (durable-children.ts): its model and
// tool calls are steps of its own workflow, so a worker killed mid-child resumes the child where
// it was, and the children of one turn run at once.

/** Where a test holds a run's slow tool until it has killed the worker (worker.ts HOLD_DIR). */
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[];
let counter: ReturnType<typeof createCounter>;
let databaseUrl: string;
let env: Record<string, string>;

beforeAll(async () => {
  fake = createSubagentFake();
  await fake.listen();
  databaseUrl = await workerDatabase('children');
  counter = createCounter();
  env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    // The crash tests hold the slow tool through the kill (HOLD_DIR); elsewhere it need not wait.
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  // One: the three kill tests' runs are on it when killedTogether starts their taker and kills it.
  workers = [await startWorker({ ...env, EXECUTOR_ID: 'children-worker-0' })];
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers ?? []) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

/** The model requests of one agent whose history starts with `input`. */
function requestsOf(agent: 'child' | 'mid' | 'parent', input: string): number {
  return fake.modelRequests.filter(
    (request) =>
      agentOf(request.body as Body) === agent && firstText(request.body as Body) === input,
  ).length;
}

/** The workflows of the database whose id starts with `prefix`, as `id name` (or `id status`). */
async function workflowsUnder(
  prefix: string,
  field: 'name' | 'status' = 'name',
): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ workflow_uuid: string; field: string }>(
      `SELECT workflow_uuid, ${field} AS field FROM dbos.workflow_status WHERE workflow_uuid LIKE $1 ORDER BY workflow_uuid`,
      [`${prefix}%`],
    );
    return rows.map((row) => `${row.workflow_uuid} ${row.field}`);
  } finally {
    await client.end();
  }
}

// The three tests that kill a worker (a child held in its slow tool, a grandchild held in its
// slow tool, a tree paused for its child's approval) have their runs in flight together on the
// one worker the file starts with, and one SIGKILL ends them all (killedTogether): the held runs
// are resumed where they were by the worker started before the kill, and the paused tree, which
// no worker holds, is approved after it. Each test still reads its own run. One kill and two
// starts instead of three kills and four starts (bench/RESULTS.md, helper speed-dbos51b).

/** The kill tests' runs: agent, run id and input. */
const TOGETHER = {
  crash: { agent: 'team', runId: 'team-crash', input: 'crash-run' },
  deep: { agent: 'deep', runId: 'team-deep', input: 'deep-run' },
  approve: { agent: 'teamApproval', runId: 'team-approve', input: 'approve-run' },
} as const;

let together: Promise<WorkerProcess> | undefined;

/** What a reader of a run's events got as they came: each event's offset and shape. */
type LiveRead = { offsets: number[]; lines: string[]; done: Promise<void> };

/** An event as `path|type tool`: what the tree did, ids and texts left out. */
function lineOf(event: AgentEvent<unknown>): string {
  const tool =
    event.type === 'tool-call'
      ? ` ${event.toolName}`
      : event.type === 'tool-result'
        ? ` ${event.toolCall.toolName}`
        : '';
  return `${event.path.join('>')}|${event.type}${tool}`;
}

/** Reads the run's events from its start, as they come, until it ends (durable68). */
function readLive(runId: string): LiveRead {
  const read: LiveRead = { offsets: [], lines: [], done: Promise.resolve() };
  read.done = (async () => {
    for await (const { offset, event } of runs.events(runId)) {
      read.offsets.push(offset);
      read.lines.push(lineOf(event));
    }
  })();
  // Awaited by the test of its run; a failure meanwhile is seen there, not unhandled.
  read.done.catch(() => {});
  return read;
}

/** The kill tests' live readers, by run id: started with their runs, read across the kill. */
const liveReads = new Map<string, LiveRead>();

/**
 * The live reader of `runId` got every event of the run once (offsets 0, 1, ... in order, none
 * twice through the kill and the replays), the same as a read of the ended run.
 */
async function expectReadOnce(runId: string): Promise<void> {
  const live = liveReads.get(runId) as LiveRead;
  await live.done;
  const after: string[] = [];
  for await (const { event } of runs.events(runId)) after.push(lineOf(event));
  expect(live.offsets).toEqual(after.map((_line, index) => index));
  expect(live.lines).toEqual(after);
}

/**
 * Starts the three runs, waits until the child and the grandchild are inside their held slow
 * tools and the approval tree is paused (its parent and child stopped), starts the worker that
 * takes over and SIGKILLs the one that ran them, telling the fleet at once (crashWorker). Returns
 * the victim. Once for the three tests, whichever runs first.
 */
function killedTogether(): Promise<WorkerProcess> {
  together ??= (async () => {
    const { crash, deep, approve } = TOGETHER;
    // The slow tools wait until the worker is killed (a timer would race the kill).
    for (const { runId } of [crash, deep]) writeFileSync(join(holdDirectory, runId), '');
    for (const { agent, runId, input } of Object.values(TOGETHER)) {
      await runs.start(agent, { runId, input });
      if (runId !== approve.runId) liveReads.set(runId, readLive(runId));
    }
    await waitFor(
      () => counter.count(`start slow ${crash.runId}/1.0:call-research:`) === 1,
      'the child to start its slow tool',
    );
    await waitFor(
      () => counter.count(`start slow ${deep.runId}/1.0:call-delegate/1.0:call-research:`) === 1,
      'the grandchild to start its slow tool',
    );
    // The held (grand)child's call reaches its top run's reader while it runs (durable68): before,
    // a child's events reached the parent's stream only when the child ended.
    await waitFor(
      () => liveReads.get(crash.runId)?.lines.includes('research#1|tool-call slow') === true,
      "the child's held call, read from its parent's stream",
    );
    await waitFor(
      () =>
        liveReads.get(deep.runId)?.lines.includes('delegate#1>research#1|tool-call slow') === true,
      "the grandchild's held call, read from its top run's stream",
    );
    await waitFor(
      async () => (await runs.status(approve.runId))?.awaitingApproval === true,
      'the parent to wait on its paused child',
    );
    // The parent's wait is recorded (`awaitingApproval`) just before its workflow is stopped
    // (child-waits.ts, pauseForChild), so under load the stop may land a moment after the flag.
    const paused = [`${approve.runId} CANCELLED`, `${approve.runId}/1.0:call-research CANCELLED`];
    await waitFor(
      async () =>
        JSON.stringify(await workflowsUnder(approve.runId, 'status')) === JSON.stringify(paused),
      'the parent and the child to be stopped while the approval waits',
    );
    // The tree runs where its top run does (its children too).
    const victim = await ownerOf(runs, workers, crash.runId);
    expect(await ownerOf(runs, workers, deep.runId)).toBe(victim);
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'children-worker-1' }));
    await crashWorker(victim, () => {
      for (const { runId } of [crash, deep]) rmSync(join(holdDirectory, runId));
    });
    return victim;
  })();
  return together;
}

describe('a subagent inside a durable run', () => {
  it('runs as a child workflow that a SIGKILL mid-child resumes where it was', async () => {
    const { runId, input } = TOGETHER.crash;
    const childKey = `${runId}/1.0:call-research:1.0:call-lookup`;
    const victim = await killedTogether();

    const result = await runs.result(runId);
    expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(result.text).toBe(`parent answer to ${input}`);
    // The child's two first model calls were recorded before the kill: only its last is new.
    expect(requestsOf('child', `crash ${input}`)).toBe(3);
    expect(requestsOf('parent', input)).toBe(2);
    expect(counter.count(`done lookup ${childKey}`)).toBe(1);
    expect(counter.count(`done slow ${runId}/1.0:call-research:`)).toBe(1);
    // The child is a workflow of its own, named by the parent's call.
    expect(await workflowsUnder(runId)).toEqual([
      `${runId} gemloop.run`,
      `${runId}/1.0:call-research gemloop.child`,
    ]);
    expect(await runs.childRuns(runId)).toMatchObject([
      {
        runId: `${runId}/1.0:call-research`,
        status: 'SUCCESS',
        parentRunId: runId,
        path: ['research#1'],
      },
    ]);
    // History verbatim: the parent's contents hold the child's answer, not its turns.
    expect(
      result.contents.map((content) => `${content.role}:${content.parts?.length ?? 0}`),
    ).toEqual(['user:1', 'model:1', 'user:1', 'model:1']);
    expect(result.contents[2]?.parts?.[0]?.functionResponse?.response).toEqual({
      answer: `child answer to crash ${input}`,
    });

    // The child's events reach the run's stream once, in order, under the child's path, before
    // the call's own result.
    const seen: string[] = [];
    for await (const { event } of runs.events(runId)) {
      if (event.type === 'tool-call') seen.push(`${event.path.join('>')}|call ${event.toolName}`);
      if (event.type === 'tool-result') {
        seen.push(`${event.path.join('>')}|result ${event.toolCall.toolName}`);
      }
    }
    expect(seen).toEqual([
      '|call research',
      'research#1|call lookup',
      'research#1|result lookup',
      'research#1|call slow',
      'research#1|result slow',
      '|result research',
    ]);
    // Its reader since the start, through the kill: every event once, in order.
    await expectReadOnce(runId);
  });

  it('runs the two subagents of one turn at once, results in call order', async () => {
    const input = 'two-run';
    const { runId } = await runs.start('team', { runId: 'team-two', input });
    liveReads.set(runId, readLive(runId));
    const result = await runs.result(runId);
    expect(result.text).toBe(`parent answer to ${input}`);
    // Each child waited for the other in `meet_siblings`: one at a time, neither would finish.
    expect(counter.count(`done meet_siblings ${runId}/1.0:call-research:`)).toBe(1);
    expect(counter.count(`done meet_siblings ${runId}/1.1:call-research:`)).toBe(1);
    const responses = (result.contents[2]?.parts ?? []).map(
      (part) => (part.functionResponse?.response as { answer?: string } | undefined)?.answer,
    );
    expect(responses).toEqual(['child answer to sib A', 'child answer to sib B']);
    expect(await workflowsUnder(runId)).toEqual([
      `${runId} gemloop.run`,
      `${runId}/1.0:call-research gemloop.child`,
      `${runId}/1.1:call-research gemloop.child`,
    ]);
    // Read as they came: the second child's events after the first's (its own announced once
    // the first's were in), each once (durable68).
    await expectReadOnce(runId);
  });

  it('tells the parent model that a child workflow ended without a final answer, and why', async () => {
    const input = 'cut-run';
    const { runId } = await runs.start('team', { runId: 'team-cut', input });
    const result = await runs.result(runId);
    expect(result.text).toBe(`parent answer to ${input}`);
    const response = {
      answer: `partial answer to ${input}`,
      finished: false,
      reason: 'max-tokens',
      message:
        'The subagent did not finish: its answer was cut at the output token limit (maxOutputTokens); answer holds what it wrote.',
    };
    expect(result.contents[2]?.parts.map((part) => part.functionResponse?.response)).toEqual([
      response,
    ]);
    // What the parent model was sent: the same response, from the child's recorded workflow.
    const second = fake.modelRequests.find(
      (request) =>
        agentOf(request.body as Body) === 'parent' &&
        firstText(request.body as Body) === input &&
        JSON.stringify(request.body).includes('functionResponse'),
    );
    expect(JSON.stringify(second?.body)).toContain(JSON.stringify(response));
    expect(await workflowsUnder(runId)).toEqual([
      `${runId} gemloop.run`,
      `${runId}/1.0:call-research gemloop.child`,
    ]);
  });

  it('is read back by readRecordedRuns as a run that has subagents', async () => {
    const { runId } = await runs.start('team', { runId: 'team-read', input: 'cut-read' });
    await runs.result(runId);
    const read = [];
    for await (const run of readRecordedRuns({ databaseUrl, runIds: [runId] })) read.push(run);
    expect(read.map((run) => [run.runId, run.hasSubagents])).toEqual([[runId, true]]);
  });

  it("pauses the tree for a subagent's approval without a worker; approve(topRunId) reaches the child, across a SIGKILL", async () => {
    const { runId, input } = TOGETHER.approve;
    const childRunId = `${runId}/1.0:call-research`;
    // The worker that ran the tree dies while the tree waits (a paused run has no owner: the
    // worker started before the kill goes on with it).
    const victim = await killedTogether();
    expect(victim.child.signalCode).toBe('SIGKILL');
    expect(await runs.status(runId)).toMatchObject({ awaitingApproval: true });
    // Listed under the top run, with the child's path; the child's refund has not run.
    const pending = await runs.pendingApprovals(runId);
    expect(pending).toMatchObject([
      {
        approvalId: '1.0:call-research/1.0:call-refund',
        toolCallId: 'call-refund',
        toolName: 'refund',
        args: { order: '7', amount: 5 },
        path: ['research#1'],
        childRunId,
      },
    ]);
    expect((await runs.status(runId))?.status).toBe('PENDING');
    // Neither the parent nor the child holds a worker while a person decides (killedTogether
    // waited for both to be stopped before the kill).
    const paused = [`${runId} CANCELLED`, `${childRunId} CANCELLED`];
    expect(await workflowsUnder(runId, 'status')).toEqual(paused);
    expect(counter.count(`done refund ${childRunId}:`)).toBe(0);
    expect(await runs.childRuns(runId)).toMatchObject([
      {
        runId: childRunId,
        status: 'PENDING',
        awaitingApproval: true,
        parentRunId: runId,
        path: ['research#1'],
        agent: 'teamApproval/research',
      },
    ]);
    await runs.approve(runId, 'call-refund', { type: 'approve' });
    const result = await runs.result(runId);
    expect(result.text).toBe(`parent answer to ${input}`);
    expect(counter.count(`done refund ${childRunId}:1.0:call-refund 7 5`)).toBe(1);
    // The child's first call was recorded before the pause: only its answer is new.
    expect(requestsOf('child', `approve ${input}`)).toBe(2);
    expect(requestsOf('parent', input)).toBe(2);
    expect(await runs.pendingApprovals(runId)).toEqual([]);
    expect((await runs.status(runId))?.awaitingApproval).toBe(false);
  });

  it('cancels a paused tree whole: the child no longer waits nor is listed', async () => {
    const { runId } = await runs.start('teamApproval', {
      runId: 'team-cancel',
      input: 'approve-cancel',
    });
    await waitFor(
      async () => (await runs.pendingApprovals(runId)).length === 1,
      "the child's call to wait",
    );
    await runs.cancel(runId);
    expect((await runs.status(runId))?.status).toBe('CANCELLED');
    expect(await runs.childRuns(runId)).toMatchObject([
      { runId: `${runId}/1.0:call-research`, status: 'CANCELLED', awaitingApproval: false },
    ]);
    expect(await runs.pendingApprovals(runId)).toEqual([]);
    expect(counter.count(`done refund ${runId}/`)).toBe(0);
  });

  it("holds a subagent's calls to the top run's tool guardrails, as in-process", async () => {
    const input = 'approve-guard';
    const { runId } = await runs.start('teamGuarded', { runId: 'team-guard', input });
    const result = await runs.result(runId);
    expect(result.text).toBe(`parent answer to ${input}`);
    expect(counter.count(`done refund ${runId}/`)).toBe(0);
    const childRequests = fake.modelRequests.filter(
      (request) =>
        agentOf(request.body as Body) === 'child' &&
        firstText(request.body as Body) === `approve ${input}`,
    );
    expect(childRequests).toHaveLength(2);
    expect(JSON.stringify(childRequests[1]?.body)).toContain('Refunds are not allowed here.');
  });

  // Issue 53 item 5: what a child workflow inherits is walked down its tree by core's
  // childInheritance, run by run, so a middle subagent's tool guardrails hold its own subagents'
  // calls too (the durable twin handed every child the top run's alone).
  it("holds a grandchild's calls to a middle subagent's tool guardrails, as in-process", async () => {
    const input = 'deep-approve-guard';
    const { runId } = await runs.start('deepGuarded', { runId: 'guarded-tree', input });
    const result = await runs.result(runId);
    expect(result.text).toBe(`parent answer to ${input}`);
    expect(counter.count(`done refund ${runId}/`)).toBe(0);
    const leafRequests = fake.modelRequests.filter(
      (request) =>
        agentOf(request.body as Body) === 'child' &&
        firstText(request.body as Body) === `approve mid ${input}`,
    );
    expect(leafRequests).toHaveLength(2);
    expect(JSON.stringify(leafRequests[1]?.body)).toContain(
      'Refunds are not allowed below the manager.',
    );
  });

  // Issue 52, item 1: the child's tool-call event is redacted by the child, where it is made, so a
  // page of the top run shows `[redacted]` whatever tools the server gives the stream.
  it("redacts a subagent's secret tool arguments in the top run's stored events and page", async () => {
    const { runId } = await runs.start('teamSecret', { runId: 'team-secret', input: 'secret one' });
    expect((await runs.result(runId)).text).toBe('parent answer to secret one');
    const stored: AgentEvent<unknown>[] = [];
    for await (const { event } of runs.events(runId)) stored.push(event);
    const login = stored.find((event) => event.type === 'tool-call' && event.toolName === 'login');
    expect(login).toMatchObject({
      path: ['research#1'],
      redactedArgs: { user: 'ada', password: '[redacted]' },
    });
    const page = await new Response(
      toDurableEventStreamResponse(
        { headers: new Headers() },
        {
          runId,
          events: (offset) => runs.events(runId, { offset }),
          // The top agent's tools hold no secret of the child's: the event carries its redaction.
          tools: [],
          heartbeatMs: 0,
        },
      ).body,
    ).text();
    expect(page).not.toContain(SECRET_PASSWORD);
    expect(page).toContain('"password":"[redacted]"');
  });

  it('nests: a subagent of a subagent is a child workflow of the child, resumed after a SIGKILL', async () => {
    const { runId, input } = TOGETHER.deep;
    const mid = `${runId}/1.0:call-delegate`;
    const leaf = `${mid}/1.0:call-research`;
    // Killed with the grandchild in its held slow tool (killedTogether).
    const victim = await killedTogether();

    const result = await runs.result(runId);
    expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(result.text).toBe(`parent answer to ${input}`);
    expect(requestsOf('child', `crash mid ${input}`)).toBe(3);
    expect(requestsOf('mid', `mid ${input}`)).toBe(2);
    expect(requestsOf('parent', input)).toBe(2);
    expect(counter.count(`done lookup ${leaf}:`)).toBe(1);
    expect(await workflowsUnder(runId)).toEqual([
      `${runId} gemloop.run`,
      `${mid} gemloop.child`,
      `${leaf} gemloop.child`,
    ]);
    expect(await runs.childRuns(runId)).toMatchObject([
      { runId: mid, parentRunId: runId, path: ['delegate#1'] },
      { runId: leaf, parentRunId: mid, path: ['delegate#1', 'research#1'] },
    ]);
    const seen: string[] = [];
    for await (const { event } of runs.events(runId)) {
      if (event.type === 'tool-call') seen.push(`${event.path.join('>')}|call ${event.toolName}`);
    }
    expect(seen).toEqual([
      '|call delegate',
      'delegate#1|call research',
      'delegate#1>research#1|call lookup',
      'delegate#1>research#1|call slow',
    ]);
    await expectReadOnce(runId);
  });
});
