import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { killHeldRuns } from '../../__fixtures__/holding-fleet.ts';
import {
  answered,
  type Body,
  callsTurn,
  firstText,
  textTurn,
} from '../../__fixtures__/subagent-fake.ts';
import { createDurableRuns, type DurableRunEvent, type DurableRuns } from '../../index.ts';
import { readRecordedRuns } from '../../recorded-runs/index.ts';

// A third party's recorded `wrapModelCall` in a durable run (issue 53, item 5; the `redial` plugin
// of __fixtures__/worker.ts: a random mark rolled before `next()`, a RETRY answer sent again to
// another model). Real Postgres and DBOS, worker processes, SIGKILLs, takeovers and a cancel.
//
// Before, the whole wrapper ran as one DBOS step with the model call inside it, as a recorded
// `wrapToolCall` did with its tool: the model call's own step (`gemloop.model:stream`) was a plain
// call inside the hook's step (`DBOS.runStep` inside a step is `func()`), so a worker killed after
// the call ended sent it again; and a replay that took the hook's record did not make the step at
// all, so the run lost the step's usage and its events (`step-start`, text, `step-end`), and the
// events after it took indices a reader had passed. Now the wrapper's decisions are recorded
// around each model call, which stays the workflow's own step (docs/design/plugin-seam.md, "A
// recorded wrapModelCall in a durable run").

const PRIMARY = 'gemini-3-flash-preview';
const SECOND = 'gemini-3-pro-preview';
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));
let fake: FakeGemini;
let runs: DurableRuns;
let databaseUrl: string;
let env: Record<string, string>;
const workers: WorkerProcess[] = [];
const counter = createCounter();

beforeAll(async () => {
  fake = createFakeGemini({
    signatureValidation: 'present',
    script: (request) => {
      const body = request.body as Body;
      const input = firstText(body);
      // `redial-twice`: the first model asks for a retry, the second answers.
      if (input.startsWith('redial-twice'))
        return turn.raw(
          textTurn(request.model === SECOND ? `second model answer to ${input}` : 'RETRY later'),
        );
      // `redial-tool`: one slow call, then the answer.
      if (input.startsWith('redial-tool') && !answered(body).includes('slow'))
        return turn.raw(callsTurn([{ name: 'slow', args: { order: '8' }, id: 'call-slow' }]));
      return turn.raw(textTurn(`answer to ${input}`));
    },
  });
  await fake.listen();
  databaseUrl = await workerDatabase('recorded_model_wrap');
  env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  // One worker until the three crash tests' runs are on it (killedTogether starts the second).
  workers.push(await startWorker({ ...env, EXECUTOR_ID: 'redial-worker-0' }));
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

/** The three crash tests' runs, each held where its test kills it (worker.ts HOLD_DIR). */
const CRASHED = {
  // Held in the wrapper after the model call ended: the call's step is recorded, the wrapper's is not.
  after: {
    runId: 'redial-after-crash',
    input: 'redial-after-crash hello',
    hold: 'redial-after-crash-after',
    line: 'redial after redial-after-crash 1 ',
    what: 'the wrapper to get the answer',
  },
  // Held in the slow tool of step 1: the wrapper's records of step 1 are in.
  tool: {
    runId: 'redial-tool-crash',
    input: 'redial-tool-crash where is order 8?',
    hold: 'redial-tool-crash',
    line: 'start slow redial-tool-crash:',
    what: 'the slow tool to start',
  },
  // Held in the wrapper after the first model's answer (RETRY), before it calls the second.
  twice: {
    runId: 'redial-twice-crash',
    input: 'redial-twice-crash hello',
    hold: 'redial-twice-crash-after',
    line: `redial after redial-twice-crash 1 ${PRIMARY}`,
    what: 'the wrapper to get the first answer',
  },
} as const;

let together: Promise<Map<string, WorkerProcess>> | undefined;

/**
 * Starts the three crash tests' runs on the one worker, waits until each is held where its test
 * kills it, then kills it with all three (`killHeldRuns`): one kill and one start for the three
 * tests, where each had a kill and, but the first, a start of its own. Once for the three,
 * whichever runs first; the worker each run was on when it was killed.
 */
function killedTogether(): Promise<Map<string, WorkerProcess>> {
  together ??= (async () => {
    const crashed = Object.values(CRASHED);
    for (const { hold } of crashed) writeFileSync(join(holdDirectory, hold), '');
    for (const { runId, input } of crashed) await runs.start('dialled', { runId, input });
    for (const { line, what } of crashed) await waitFor(() => counter.count(line) === 1, what);
    return killHeldRuns({
      runs,
      workers,
      env,
      takerId: 'redial-worker-1',
      holdDirectory,
      held: crashed,
    });
  })();
  return together;
}

/** The run's stored events, read to its end (a reader drops an index it has passed). */
async function storedEvents(runId: string): Promise<DurableRunEvent[]> {
  const events: DurableRunEvent[] = [];
  for await (const item of runs.events(runId)) events.push(item);
  return events;
}

/** The models the fake was sent `runId`'s calls to, in order. */
function modelsCalled(runId: string): string[] {
  return fake.modelRequests
    .filter((request) => firstText(request.body as Body).startsWith(runId))
    .map((request) => request.model ?? '?');
}

/** The names of the steps DBOS recorded for a workflow, in order. */
async function stepsOf(workflowId: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ function_name: string }>(
      'SELECT function_name FROM dbos.operation_outputs WHERE workflow_uuid = $1 ORDER BY function_id',
      [workflowId],
    );
    return rows.map((row) => row.function_name);
  } finally {
    await client.end();
  }
}

/** What a stored event stream shows of the steps: its kinds, the text and the reports. */
function shown(events: readonly DurableRunEvent[]): string[] {
  return events.flatMap(({ event }) =>
    event.type === 'text-delta'
      ? [`text ${event.text}`]
      : event.type === 'plugin'
        ? [`${event.kind} ${event.stepNumber}`]
        : event.type === 'step-start' ||
            event.type === 'step-end' ||
            event.type === 'tool-call' ||
            event.type === 'tool-result' ||
            event.type === 'guardrail-retraction'
          ? [event.type]
          : [],
  );
}

describe('a recorded wrapModelCall in a durable run', () => {
  it('keeps the model call its own step: a worker killed after the call ended does not send it again', async () => {
    const { runId } = CRASHED.after;
    const victim = (await killedTogether()).get(runId) as WorkerProcess;

    const result = await runs.result(runId);
    expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(result.text).toBe(`answer to ${runId} hello`);
    // The model was called once: its step was recorded before the kill, the takeover took it.
    expect(modelsCalled(runId)).toEqual([PRIMARY]);
    expect(result.usage.totalTokenCount).toBe(38);
    // The worker that took over had no wrapper waiting on next(): it ran the wrapper again, and
    // next() answered at once with the recorded call.
    expect(counter.count(`redial before ${runId} 1 `)).toBe(2);
    expect(counter.count(`redial after ${runId} 1 `)).toBe(2);
    expect((await stepsOf(runId)).filter((name) => /redial|gemloop\.model/.test(name))).toEqual([
      'gemloop.plugin:redial:wrapModelCall:1',
      'gemloop.model:stream',
      'gemloop.plugin:redial:wrapModelCall.after:1',
    ]);
    // One event per index, the answer's text once, each run of the wrapper's first part reported.
    const stored = await storedEvents(runId);
    expect(stored.map((item) => item.offset)).toEqual(stored.map((_, index) => index));
    expect(shown(stored)).toEqual([
      'dialled 1',
      'step-start',
      `text answer to ${runId} hello`,
      'dialled 1',
      'step-end',
    ]);
  });

  it("keeps the step's usage and events when the run is taken over after the wrapper's records", async () => {
    const { runId } = CRASHED.tool;
    const victim = (await killedTogether()).get(runId) as WorkerProcess;

    const result = await runs.result(runId);
    expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(result.text).toBe(`answer to ${runId} where is order 8?`);
    expect(modelsCalled(runId)).toEqual([PRIMARY, PRIMARY]);
    // Both steps' usage: the first step's came back from its own record on the takeover.
    expect(result.steps.map((step) => step.usage.totalTokenCount)).toEqual([25, 38]);
    expect(result.usage.totalTokenCount).toBe(63);
    expect(counter.count(`redial before ${runId} `)).toBe(2);
    const stored = await storedEvents(runId);
    expect(stored.map((item) => item.offset)).toEqual(stored.map((_, index) => index));
    expect(shown(stored)).toEqual([
      'dialled 1',
      'step-start',
      'tool-call',
      'tool-result',
      'step-end',
      'dialled 2',
      'step-start',
      `text answer to ${runId} where is order 8?`,
      'step-end',
    ]);
    // The recorder's lines (`gemloop view`, evals) rebuild each step's request from the requests
    // the run wrote with its events: both steps', by index.
    const recorded = [];
    for await (const run of readRecordedRuns({ databaseUrl, runIds: [runId] })) recorded.push(run);
    const requests = (recorded[0]?.lines ?? []).flatMap((line) =>
      line.type === 'model-call-start' ? [line.request as { contents?: unknown[] }] : [],
    );
    expect(requests.map((request) => request.contents?.length)).toEqual([1, 3]);
  });

  it('sends a retry to the second model once, after a SIGKILL between the two calls', async () => {
    const { runId } = CRASHED.twice;
    const victim = (await killedTogether()).get(runId) as WorkerProcess;

    const result = await runs.result(runId);
    expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(result.text).toBe(`second model answer to ${runId} hello`);
    // The first model's completed call is not sent again; the second model's once.
    expect(modelsCalled(runId)).toEqual([PRIMARY, SECOND]);
    expect(result.steps.map((step) => step.model)).toEqual([SECOND]);
    expect(counter.count(`redial again ${runId} 1 ${SECOND}`)).toBe(1);
    expect((await stepsOf(runId)).filter((name) => /redial|gemloop\.model/.test(name))).toEqual([
      'gemloop.plugin:redial:wrapModelCall:1',
      'gemloop.model:stream',
      'gemloop.plugin:redial:wrapModelCall.after:1',
      'gemloop.model:stream',
      'gemloop.plugin:redial:wrapModelCall.after2:1',
    ]);
    // Both calls' text was streamed: the step's text is retracted to the kept answer's.
    const stored = await storedEvents(runId);
    expect(stored.map((item) => item.offset)).toEqual(stored.map((_, index) => index));
    expect(shown(stored)).toEqual([
      'dialled 1',
      'step-start',
      'text RETRY later',
      'dialled 1',
      `text second model answer to ${runId} hello`,
      'guardrail-retraction',
      'step-end',
    ]);
  });

  it('is cancelled while the wrapper holds the answer: nothing after it runs or is recorded', async () => {
    const runId = 'redial-cancel';
    writeFileSync(join(holdDirectory, `${runId}-after`), '');
    await runs.start('dialled', { runId, input: `${runId} hello` });
    await waitFor(
      () => counter.count(`redial after ${runId} 1 `) === 1,
      'the wrapper to get the answer',
    );
    await runs.cancel(runId);
    await waitFor(
      async () => (await runs.status(runId))?.status === 'CANCELLED',
      'the run to be cancelled',
    );
    rmSync(join(holdDirectory, `${runId}-after`));
    // Give a run that went on the time to say so.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(modelsCalled(runId)).toEqual([PRIMARY]);
    expect((await stepsOf(runId)).filter((name) => name.includes('wrapModelCall.after'))).toEqual(
      [],
    );
  });
});
