import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GenerateContentResponse, Part } from '@gemloop/core/wire';
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
  createDurableRuns,
  type DurableRunEvent,
  type DurableRunResult,
  type DurableRuns,
} from '../../index.ts';

// The parallel function calls of one turn in a durable run: they run at once, after every
// approval decision of the turn; their steps start in call order, so a replay after a SIGKILL
// finds each call's own record; their results are reported in call order.

// The slow calls of the killed run are held (HOLD_DIR) until its worker is dead, so their own
// length need not outlast the test's wait on a loaded machine (it was 5 s, waited out twice).
const SLOW_MS = 50;
/** Where the crash test holds its run's slow calls until it has killed the worker. */
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));
const ANSWER = 'All parts are done.';

type Call = { name: string; args: Record<string, unknown>; id: string };

/** A Gemini 3 turn of parallel calls, raw (fixed ids and signature): the same in every run. */
function callsTurn(calls: Call[]): GenerateContentResponse[] {
  const parts: Part[] = calls.map((call, index) => ({
    functionCall: { name: call.name, args: call.args, id: call.id },
    // Gemini 3 signs the first function call of a turn only.
    ...(index === 0 ? { thoughtSignature: Buffer.from('sig-calls').toString('base64') } : {}),
  }));
  return [
    {
      candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 9, totalTokenCount: 29 },
      modelVersion: 'gemini-3-flash-preview',
    },
  ];
}

function answerTurn(): GenerateContentResponse[] {
  return [
    {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ text: ANSWER, thoughtSignature: 'c2lnLWFuc3dlcg==' }],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 60, candidatesTokenCount: 5, totalTokenCount: 65 },
      modelVersion: 'gemini-3-flash-preview',
    },
  ];
}

/** The turn each kind of run gets, by the first word of its input. */
const turns: Record<string, Call[]> = {
  // Four calls that each wait for the other three; two share an id.
  meet: [0, 1, 2, 3].map((n) => ({
    name: 'meet',
    args: { n, of: 4 },
    id: n < 2 ? `m-${n}` : 'm-dup',
  })),
  // Two quick calls and two slow ones that share an id: killed while the slow ones run.
  parts: [
    { name: 'part', args: { n: 0, ms: 0 }, id: 'c-0' },
    { name: 'part', args: { n: 1, ms: 0 }, id: 'c-1' },
    { name: 'part', args: { n: 2, ms: SLOW_MS }, id: 'dup' },
    { name: 'part', args: { n: 3, ms: SLOW_MS }, id: 'dup' },
  ],
  // A call that needs approval between two that do not.
  approve: [
    { name: 'part', args: { n: 0, ms: 0 }, id: 'a-0' },
    { name: 'refund', args: { order: '7', amount: 5 }, id: 'a-1' },
    { name: 'part', args: { n: 1, ms: 0 }, id: 'a-2' },
  ],
};

function createScriptedFake(): FakeGemini {
  return createFakeGemini({
    signatureValidation: 'present',
    script: (request, context) => {
      if (context.functionResponses.length > 0) return turn.raw(answerTurn());
      const first = request.body.contents?.[0]?.parts?.[0];
      const word = (first !== undefined && 'text' in first ? (first.text ?? '') : '').split(' ')[0];
      const calls = turns[word ?? ''];
      if (calls === undefined) throw new Error(`no turn scripted for input ${String(word)}`);
      return turn.raw(callsTurn(calls));
    },
  });
}

let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[];
let counter: ReturnType<typeof createCounter>;
let database: pg.Pool;

beforeAll(async () => {
  fake = createScriptedFake();
  await fake.listen();
  const databaseUrl = await workerDatabase('concurrent');
  counter = createCounter();
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    HOLD_DIR: holdDirectory,
  };
  workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `concurrent-worker-${index}` })),
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  database = new pg.Pool({ connectionString: databaseUrl, max: 1 });
});

afterAll(async () => {
  await runs?.close();
  await database?.end();
  for (const worker of workers ?? []) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

/** The function responses of the run's only tool turn, in the history's order. */
function responsesOf(result: DurableRunResult): unknown[] {
  const tools = result.contents.find(
    (content) =>
      content.role === 'user' && content.parts.some((part) => 'functionResponse' in part),
  );
  return (tools?.parts ?? []).map((part) =>
    'functionResponse' in part
      ? {
          id: part.functionResponse?.id,
          name: part.functionResponse?.name,
          response: part.functionResponse?.response,
        }
      : part,
  );
}

/** Every event of the run, read from the start after it ended. */
async function eventsOf(runId: string): Promise<DurableRunEvent[]> {
  const events: DurableRunEvent[] = [];
  for await (const item of runs.events(runId)) events.push(item);
  return events;
}

/** The names of the steps DBOS has recorded for the run, by step id. */
async function recordedSteps(runId: string): Promise<string[]> {
  const { rows } = await database.query<{ function_name: string }>(
    'SELECT function_name FROM dbos.operation_outputs WHERE workflow_uuid = $1 ORDER BY function_id',
    [runId],
  );
  return rows.map((row) => row.function_name);
}

/** Which worker runs the run now. */
async function ownerOf(runId: string): Promise<WorkerProcess> {
  const executorId = (await runs.status(runId))?.executorId;
  const owner = workers.find((worker) => worker.executorId === executorId);
  if (owner === undefined) throw new Error(`no worker owns ${runId} (executor ${executorId})`);
  return owner;
}

describe('parallel function calls of one turn in a durable run', () => {
  it('run at once: four calls that each wait for the other three all complete', async () => {
    const { runId } = await runs.start('fanout', { runId: 'meet-1', input: 'meet all four' });
    const result = await runs.result(runId);
    const key = (n: number): string => `${runId}:1.${n}:${n < 2 ? `m-${n}` : 'm-dup'}`;
    // Run one at a time, the first call would have failed ("only 1 of 4 ...") after 20 s.
    expect(responsesOf(result)).toEqual(
      [0, 1, 2, 3].map((n) => ({
        id: n < 2 ? `m-${n}` : 'm-dup',
        name: 'meet',
        response: { n, key: key(n) },
      })),
    );
    for (const n of [0, 1, 2, 3]) expect(counter.count(`done meet ${key(n)}`)).toBe(1);
    // Their steps were started in call order, each named by its place and id.
    expect((await recordedSteps(runId)).filter((name) => name.startsWith('gemloop.tool:'))).toEqual(
      [0, 1, 2, 3].map((n) => `gemloop.tool:meet@1.${n}:${n < 2 ? `m-${n}` : 'm-dup'}`),
    );
  });

  it('replayed after a SIGKILL mid-turn: each call completes once with its own result, history verbatim, events once and in order', async () => {
    const baselineRequests = fake.modelRequests.length;
    const baseline = await runs.result(
      (await runs.start('fanout', { runId: 'parts-baseline', input: 'parts (baseline)' })).runId,
    );
    const modelCalls = fake.modelRequests.length - baselineRequests;

    const before = fake.modelRequests.length;
    writeFileSync(join(holdDirectory, 'parts-killed'), '');
    const { runId } = await runs.start('fanout', { runId: 'parts-killed', input: 'parts' });
    const key = (n: number): string => `${runId}:1.${n}:${['c-0', 'c-1', 'dup', 'dup'][n]}`;
    // Killed once the quick calls are recorded and both slow ones run (they run at once).
    await waitFor(async () => {
      const steps = await recordedSteps(runId);
      return (
        steps.includes('gemloop.tool:part@1.0:c-0') &&
        steps.includes('gemloop.tool:part@1.1:c-1') &&
        counter.count(`start part ${key(2)}`) === 1 &&
        counter.count(`start part ${key(3)}`) === 1
      );
    }, 'the quick calls to be recorded and the slow ones to run');
    const victim = await ownerOf(runId);
    expect(counter.count(`done part ${key(2)}`) + counter.count(`done part ${key(3)}`)).toBe(0);
    await crashWorker(victim, () => rmSync(join(holdDirectory, runId)));

    const result = await runs.result(runId);
    expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
    // Each call has its own result, the two calls that share an id included.
    expect(responsesOf(result)).toEqual(
      [0, 1, 2, 3].map((n) => ({
        id: ['c-0', 'c-1', 'dup', 'dup'][n],
        name: 'part',
        response: { n, key: key(n) },
      })),
    );
    // The history is an uninterrupted run's, but for the keys (which carry the run id).
    const withoutRunId = (value: DurableRunResult): string =>
      JSON.stringify(value.contents.slice(1))
        .replaceAll(runId, 'RUN')
        .replaceAll('parts-baseline', 'RUN');
    expect(withoutRunId(result)).toBe(withoutRunId(baseline));
    expect(result.text).toBe(ANSWER);
    expect(result.usage).toEqual(baseline.usage);
    expect(fake.modelRequests.length - before).toBe(modelCalls);
    // The quick calls ran once (recorded before the kill); the slow ones were cut, ran again
    // and completed once.
    for (const n of [0, 1]) {
      expect(counter.lines().filter((line) => line.endsWith(key(n)))).toEqual([
        `start part ${key(n)}`,
        `done part ${key(n)}`,
      ]);
    }
    for (const n of [2, 3]) {
      expect(counter.count(`start part ${key(n)}`)).toBe(2);
      expect(counter.count(`done part ${key(n)}`)).toBe(1);
    }
    // Each event once, in order; the results in call order.
    const events = await eventsOf(runId);
    expect(events.map((item) => item.offset)).toEqual(events.map((_, index) => index));
    const results = events.flatMap((item) =>
      item.event.type === 'tool-result' ? [item.event.toolCall.output] : [],
    );
    expect(results).toEqual([0, 1, 2, 3].map((n) => ({ n, key: key(n) })));
    expect(events.filter((item) => item.event.type === 'tool-call')).toHaveLength(4);
    expect(events.filter((item) => item.event.type === 'run-end')).toHaveLength(1);
  });

  it('with a call that needs approval: no call of the turn runs before the decision, then all run once, reported in call order', async () => {
    const { runId } = await runs.start('fanoutApproval', {
      runId: 'approve-1',
      input: 'approve the refund',
    });
    let pending: Awaited<ReturnType<DurableRuns['pendingApprovals']>> = [];
    await waitFor(async () => {
      pending = await runs.pendingApprovals(runId);
      return pending.length === 1 && (await runs.status(runId))?.awaitingApproval === true;
    }, 'the refund to wait for approval');
    expect(pending[0]).toMatchObject({ toolName: 'refund', toolCallId: 'a-1', callIndex: 1 });
    // The calls around it wait for the decision: their steps would otherwise come before the
    // approval's in one execution and after it in another.
    expect(counter.count(`start part ${runId}:`)).toBe(0);
    await runs.approve(runId, pending[0]?.approvalId ?? '', { type: 'approve' });

    const result = await runs.result(runId);
    const partKey = (index: number, id: string): string => `${runId}:1.${index}:${id}`;
    expect(responsesOf(result)).toEqual([
      { id: 'a-0', name: 'part', response: { n: 0, key: partKey(0, 'a-0') } },
      {
        id: 'a-1',
        name: 'refund',
        response: { order: '7', amount: 5, refunded: true },
      },
      { id: 'a-2', name: 'part', response: { n: 1, key: partKey(2, 'a-2') } },
    ]);
    expect(counter.count(`done part ${partKey(0, 'a-0')}`)).toBe(1);
    expect(counter.count(`done part ${partKey(2, 'a-2')}`)).toBe(1);
    expect(counter.count(`done refund ${partKey(1, 'a-1')}`)).toBe(1);
    const events = await eventsOf(runId);
    expect(events.map((item) => item.offset)).toEqual(events.map((_, index) => index));
    expect(
      events.flatMap((item) =>
        item.event.type === 'tool-result' ? [item.event.toolCall.toolCallId] : [],
      ),
    ).toEqual(['a-0', 'a-1', 'a-2']);
  });
});
