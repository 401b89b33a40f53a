import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
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
import {
  agentOf,
  answered,
  type Body,
  callsTurn,
  firstText,
  script as subagentScript,
  textTurn,
} from '../../__fixtures__/subagent-fake.ts';
import { createDurableRuns, type DurableRunEvent, type DurableRuns } from '../../index.ts';

// A third party's recorded `wrapToolCall` in a durable run (issue 53, item 5; the `stopwatch`
// plugin of __fixtures__/worker.ts: a random mark rolled before `next()`, the tool's value
// stamped with it after). Real Postgres and DBOS, worker processes, SIGKILLs and takeovers.
//
// Before, the whole wrapper ran as one DBOS step with the tool inside it: the tool's own step
// ran as a plain call (`DBOS.runStep` inside a step is `func()`), a subagent's child could not be
// a child workflow (DBOS refuses to start a workflow from a step) and ran in process, unrecorded,
// and a worker killed after the tool ended ran the tool again. Now the wrapper's decision is
// recorded around the tool's execution, which stays the workflow's own (see
// docs/design/plugin-seam.md, "A recorded wrapToolCall in a durable run").

const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));
let fake: FakeGemini;
let runs: DurableRuns;
let databaseUrl: string;
let env: Record<string, string>;
const workers: WorkerProcess[] = [];
const counter = createCounter();
/** How long a refund waits for its approval before it is answered as timed out. */
const APPROVAL_TIMEOUT_MS = 10_000;
/** The run whose approval times out, started with the file (see beforeAll). */
const TIMEOUT_RUN = 'wrap-refund-timeout';

/** The function response a request carries for `name` (`undefined`: none). */
function responseOf(body: Body, name: string): unknown {
  for (const content of body.contents ?? [])
    for (const part of content.parts ?? []) {
      const response = part['functionResponse'] as { name: string; response: unknown } | undefined;
      if (response?.name === name) return response.response;
    }
  return undefined;
}

beforeAll(async () => {
  fake = createFakeGemini({
    signatureValidation: 'present',
    script: async (request) => {
      const body = request.body as Body;
      const input = firstText(body);
      const done = answered(body);
      // The slow crash run's first call answers once its wait notice was made (worker.ts
      // `modelWait`): a report made while the model step's body runs.
      if (input.startsWith(CRASHED.slow.runId) && !done.includes('slow'))
        await waitFor(
          () => counter.count(`model-wait ${CRASHED.slow.runId} `) >= 1,
          'the wait notice of the first model call',
        );
      // The `timed` agent: one slow call, then its answer (the stamped value, verbatim).
      if (agentOf(body) === 'parent' && input.startsWith('wrap-slow'))
        return turn.raw(
          done.includes('slow')
            ? textTurn(`slow answered: ${JSON.stringify(responseOf(body, 'slow'))}`)
            : callsTurn([{ name: 'slow', args: { order: '8' }, id: 'call-slow' }]),
        );
      // The `timedApprover` agent: one refund (it needs approval), then its answer.
      if (agentOf(body) === 'parent' && input.startsWith('wrap-refund'))
        return turn.raw(
          done.includes('refund')
            ? textTurn(`refund answered: ${JSON.stringify(responseOf(body, 'refund'))}`)
            : callsTurn([{ name: 'refund', args: { order: '7', amount: 30 }, id: 'call-refund' }]),
        );
      // The `timedTeam` agent and its researcher (a lookup, a slow call, an answer).
      return turn.raw(subagentScript(body));
    },
  });
  await fake.listen();
  databaseUrl = await workerDatabase('recorded_wrap');
  env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
    APPROVAL_TIMEOUT_MS: String(APPROVAL_TIMEOUT_MS),
    // The sweep answers the timeout: every 500 ms here (the fixture's default is 2 s).
    APPROVAL_SWEEP_MS: '500',
  };
  // One worker until the two crash tests' runs are on it (killedTogether starts the second).
  workers.push(await startWorker({ ...env, EXECUTOR_ID: 'wrap-worker-0' }));
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  // The timeout test's run starts first: its APPROVAL_TIMEOUT_MS of waiting passes while the
  // tests before it run, instead of 10 s of an idle fleet at its turn (bench/RESULTS.md, helper
  // speed-dbos47). Paused, it is rows in Postgres with no executor, which the kills in between
  // do not touch (not yet paused at a kill, it is taken over and pauses again, as any run), and
  // the sweep of any live worker answers its timeout.
  await runs.start('timedApprover', {
    runId: TIMEOUT_RUN,
    input: `${TIMEOUT_RUN} refund order 7`,
  });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

/** The worker that runs `runId` now. */
async function ownerOf(runId: string): Promise<WorkerProcess> {
  const executorId = (await runs.status(runId))?.executorId;
  const owner = workers.find((worker) => worker.executorId === executorId);
  if (owner === undefined) throw new Error(`no worker owns ${runId} (executor ${executorId})`);
  return owner;
}

/** The two crash tests' runs, each held where its test kills it (worker.ts HOLD_DIR). */
const CRASHED = {
  // Held in the wrapper's part after next(): the tool's step is recorded, the wrapper's is not.
  slow: { runId: 'wrap-slow-crash', agent: 'timed', hold: 'wrap-slow-crash-after' },
  // Held in the child's slow tool.
  team: { runId: 'wrap-team-crash', agent: 'timedTeam', hold: 'wrap-team-crash' },
} as const;

type KilledTogether = {
  /** The worker each run was on when it was killed. */
  victims: Map<string, WorkerProcess>;
  /** The team run's child workflows found before the kill. */
  childrenBeforeKill: number;
};
let together: Promise<KilledTogether> | undefined;

/**
 * Starts both crash tests' runs on the one worker, waits until each is held where its test kills
 * it, starts a second worker to take them over and kills the first (`crashWorker`): one kill and
 * one start for the two tests, each of which reads its own run's replay (a worker that dies with
 * several runs is the common case; bench/RESULTS.md, helper speed-dbos50). Once for both tests,
 * whichever runs first.
 */
function killedTogether(): Promise<KilledTogether> {
  together ??= (async () => {
    for (const { hold } of Object.values(CRASHED)) writeFileSync(join(holdDirectory, hold), '');
    const { slow, team } = CRASHED;
    await runs.start(slow.agent, { runId: slow.runId, input: `${slow.runId} where is order 8?` });
    await runs.start(team.agent, { runId: team.runId, input: team.runId });
    await waitFor(
      () => counter.count(`stopwatch after ${slow.runId} slow value`) === 1,
      'the wrapper to reach its part after the tool',
    );
    await waitFor(
      () => counter.count(`start slow ${team.runId}/1.0:call-research:`) === 1,
      'the child to start its slow tool',
    );
    // A child workflow of the run (DBOS refuses to start one inside a step).
    const children = await query('SELECT 1 FROM dbos.workflow_status WHERE workflow_uuid LIKE $1', [
      `${team.runId}/%`,
    ]);
    const victims = new Map<string, WorkerProcess>();
    for (const { runId } of Object.values(CRASHED)) victims.set(runId, await ownerOf(runId));
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'wrap-worker-1' }));
    for (const victim of new Set(victims.values())) {
      await crashWorker(victim, () => {
        for (const { runId, hold } of Object.values(CRASHED))
          if (victims.get(runId) === victim) rmSync(join(holdDirectory, hold));
      });
      workers.splice(workers.indexOf(victim), 1);
    }
    return { victims, childrenBeforeKill: children.length };
  })();
  return together;
}

/** The run's stored events, read to its end. */
async function storedEvents(runId: string): Promise<DurableRunEvent[]> {
  const events: DurableRunEvent[] = [];
  for await (const item of runs.events(runId)) events.push(item);
  return events;
}

/** The marks the stopwatch rolled for `runId`'s calls of `tool`, in order (one per real run of its first half). */
function marksOf(runId: string, tool: string): number[] {
  return counter
    .lines()
    .filter((line) => line.startsWith(`stopwatch before ${runId} ${tool} `))
    .map((line) => Number(line.split(' ').at(-1)));
}

/** Rows of a query on the run's database. */
async function query<Row extends pg.QueryResultRow>(
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The names of the steps DBOS recorded for a workflow, in order. */
async function stepsOf(workflowId: string): Promise<string[]> {
  const rows = await query<{ function_name: string }>(
    'SELECT function_name FROM dbos.operation_outputs WHERE workflow_uuid = $1 ORDER BY function_id',
    [workflowId],
  );
  return rows.map((row) => row.function_name);
}

describe('a recorded wrapToolCall in a durable run', () => {
  it("keeps the tool's own step: a worker killed after the tool ended does not run it again", async () => {
    const { runId } = CRASHED.slow;
    const victim = (await killedTogether()).victims.get(runId) as WorkerProcess;

    const result = await runs.result(runId);
    expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
    // The tool ran once: its step was recorded before the kill, and the replay took its record.
    expect(counter.count(`start slow ${runId}:`)).toBe(1);
    expect(counter.count(`done slow ${runId}:`)).toBe(1);
    // The wrapper's first half was recorded (its decision to call next()); the worker that took
    // the run over had no wrapper waiting on next(), so it ran the wrapper again, next() answered
    // at once with the tool's recorded execution; the value the model got is that run's stamp.
    const marks = marksOf(runId, 'slow');
    expect(marks).toHaveLength(2);
    expect(counter.count(`stopwatch after ${runId} slow value`)).toBe(2);
    expect(result.text).toBe(
      `slow answered: ${JSON.stringify({ result: { order: '8', refunded: false }, mark: marks[1] })}`,
    );
    // The tool's execution is a step of the workflow, between the wrapper's two records.
    const steps = (await stepsOf(runId)).filter((name) => /stopwatch|gemloop\.tool/.test(name));
    expect(steps).toEqual([
      expect.stringMatching(/^gemloop\.plugin:stopwatch:wrapToolCall:1:call-slow$/),
      expect.stringMatching(/^gemloop\.tool:slow@1\.0:call-slow$/),
      expect.stringMatching(/^gemloop\.plugin:stopwatch:wrapToolCall\.after:1:call-slow$/),
    ]);
    // One event per index; each run of the wrapper's first half reported once, before the result.
    // And the `progress` report the tool made through the call's run of a plugin that is not
    // recorded (worker.ts `linkedProgress`), from inside the tool's step on the killed worker:
    // the step was recorded, the worker killed before the run's next event write, and the
    // worker that took the run over never ran the tool; the report, kept with the step's record,
    // is in the stream once, at the index the first execution emitted it at (issue 53,
    // durable-events53: before, the replay lost it and every later event moved one index down,
    // so the stream kept one of its events twice and lost another).
    //
    // And the `waiting` notices a model wrapper that is not recorded (worker.ts `modelWait`) made
    // while the first model call waited on the killed worker: the call's step was recorded, and
    // the worker that took the run over got it back at once, made no notice of its own in time
    // (or one held and dropped); the stream has the first execution's, once each, where it made
    // them (issue 53, durable-events53b: before, they were not kept with the step and every later
    // event of the replay moved down as many indices).
    const waits = counter.count(`model-wait ${runId} ${victim.executorId} `);
    expect(waits).toBe(1);
    const notices = Array.from({ length: waits }, (_, at) => [
      'waiting',
      { tick: at + 1, by: victim.executorId },
    ]);
    const stored = await storedEvents(runId);
    expect(stored.map((item) => item.offset)).toEqual(stored.map((_, index) => index));
    const shown = stored.flatMap(({ event }) =>
      event.type === 'plugin'
        ? [[event.kind, event.data]]
        : event.type === 'tool-call' || event.type === 'tool-result'
          ? [event.type]
          : [],
    );
    expect(shown).toEqual([
      ...notices,
      'tool-call',
      ['progress', { order: '8', by: victim.executorId }],
      ['started', { tool: 'slow', mark: marks[0] }],
      ['started', { tool: 'slow', mark: marks[1] }],
      'tool-result',
    ]);
    // The whole stream as an uninterrupted run's: each step's events once, in order.
    expect(stored.map(({ event }) => event.type)).toEqual([
      'step-start',
      ...notices.map(() => 'plugin'),
      'tool-call',
      'plugin',
      'plugin',
      'plugin',
      'tool-result',
      'step-end',
      'step-start',
      'text-delta',
      'step-end',
      'run-end',
    ]);
  });

  it('runs a subagent under it as a child workflow, resumed after a SIGKILL mid-child', async () => {
    const { runId } = CRASHED.team;
    const input = runId;
    const { victims, childrenBeforeKill } = await killedTogether();
    const victim = victims.get(runId) as WorkerProcess;
    // A child workflow of the run (DBOS refuses to start one inside a step).
    expect(childrenBeforeKill).toBe(1);

    const result = await runs.result(runId);
    expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(result.text).toBe(`parent answer to ${input}`);
    // The child's two model calls before the kill were recorded in its workflow: only its last
    // is new, and its lookup ran once.
    const childRequests = fake.modelRequests.filter(
      (request) =>
        agentOf(request.body as Body) === 'child' &&
        firstText(request.body as Body) === `crash ${input}`,
    );
    expect(childRequests).toHaveLength(3);
    expect(counter.count(`done lookup ${runId}/1.0:call-research:`)).toBe(1);
    expect(counter.count(`done slow ${runId}/1.0:call-research:`)).toBe(1);
    // The parent's answer carried the stamped child result.
    const [mark] = marksOf(runId, 'research').slice(-1);
    const last = fake.modelRequests
      .filter(
        (request) =>
          agentOf(request.body as Body) === 'parent' && firstText(request.body as Body) === input,
      )
      .at(-1);
    expect(responseOf(last?.body as Body, 'research')).toMatchObject({ mark });
  });

  it('waits for an approval before the wrapper, which runs once the call is approved', async () => {
    const runId = 'wrap-refund-approved';
    await runs.start('timedApprover', { runId, input: `${runId} refund order 7` });
    await waitFor(
      async () => (await runs.pendingApprovals(runId)).length === 1,
      'the refund to wait for approval',
    );
    // A pause: the run waits without its wrapper having run.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(marksOf(runId, 'refund')).toEqual([]);
    const [pending] = await runs.pendingApprovals(runId);
    await runs.approve(runId, pending?.toolCallId as string, { type: 'approve' });
    const result = await runs.result(runId);
    const marks = marksOf(runId, 'refund');
    expect(marks).toHaveLength(1);
    expect(result.text).toBe(
      `refund answered: ${JSON.stringify({ result: { order: '7', amount: 30, refunded: true }, mark: marks[0] })}`,
    );
    expect(counter.count(`done refund ${runId}:`)).toBe(1);
  });

  it('answers a refund whose approval timed out without running the wrapper or the tool', async () => {
    const runId = TIMEOUT_RUN;
    // Started in beforeAll. The hang guard is above the approval's timeout (the sweep answers it).
    const result = await runs.result(runId);
    expect(result.text).toMatch(/^refund answered: /);
    expect(result.text).not.toContain('"refunded":true');
    expect(marksOf(runId, 'refund')).toEqual([]);
    expect(counter.count(`done refund ${runId}:`)).toBe(0);
  }, 120_000);

  it('is cancelled while the tool runs: the tool stops, the wrapper does not go on', async () => {
    const runId = 'wrap-slow-cancel';
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('timed', { runId, input: `${runId} where is order 8?` });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    await runs.cancel(runId);
    await waitFor(() => counter.count(`stopped slow ${runId}:`) === 1, 'the tool to stop');
    rmSync(join(holdDirectory, runId));
    expect((await runs.status(runId))?.status).toBe('CANCELLED');
    // Give a wrapper that went on the time to say so.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(counter.count(`stopwatch after ${runId} `)).toBe(0);
    expect(marksOf(runId, 'slow')).toHaveLength(1);
    // No second model call, and no record of the wrapper's second half.
    expect(
      fake.modelRequests.filter((request) => firstText(request.body as Body).startsWith(runId)),
    ).toHaveLength(1);
    expect((await stepsOf(runId)).filter((name) => name.includes('wrapToolCall.after'))).toEqual(
      [],
    );
  });
});
