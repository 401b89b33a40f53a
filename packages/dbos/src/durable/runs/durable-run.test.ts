import { isDeepStrictEqual } from 'node:util';
import { DBOSClient } from '@dbos-inc/dbos-sdk';
import { type AgentResult, type Content, createAgent, createGemini } from '@gemloop/core';
import { guardrails } from '@gemloop/core/guardrails';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import {
  createDurableRuns,
  createPostgresHistoryStore,
  type DurableRuns,
  sendDurableChatTurn,
} from '../../index.ts';

/**
 * The model's last turn: a text of about 128 KB (bench/RESULTS.md's store-once42 table is this
 * run with 4 MB, `STORED_BYTES_MB=4`, and its byte counts printed: `STORED_BYTES_PRINT=1`). The
 * bounds below are ratios to its length, the same at 128 KB as at 1 MB (each long string kept once
 * from 1,024 characters); 1 MB cost ~5 s more of the worker's and the test's CPU (test-speed20).
 */
const MB = Number(process.env['STORED_BYTES_MB'] ?? '0.128');
const LONG = 'The order shipped on Monday. '.repeat(Math.ceil((MB * 1_000_000) / 29));
/** The input of the run whose answer is {@link LONG} (supportScript tells it by this text). */
const LONG_INPUT = 'Where is order 7, at length?';

/** Bytes a run holds in each place of the database (rows' text), and its stream's by event type. */
async function storedBytes(databaseUrl: string, runId: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const bytes: Record<string, number> = {};
    const steps = await client.query<{ name: string; bytes: string }>(
      `SELECT function_name AS name, sum(octet_length(coalesce(output, ''))) AS bytes
         FROM dbos.operation_outputs WHERE workflow_uuid = $1 GROUP BY function_name`,
      [runId],
    );
    for (const row of steps.rows) bytes[`step ${row.name}`] = Number(row.bytes);
    // DBOS 5 keeps a workflow's inputs and output in tables of their own (`workflow_status` had them).
    for (const table of ['workflow_status', 'workflow_input', 'workflow_output']) {
      const row = await client.query<{ bytes: string }>(
        `SELECT octet_length(t::text) AS bytes FROM dbos.${table} t WHERE workflow_uuid = $1`,
        [runId],
      );
      bytes[table] = Number(row.rows[0]?.bytes ?? 0);
    }
    const stream = await client.query<{ value: string }>(
      `SELECT value FROM dbos.streams WHERE workflow_uuid = $1 ORDER BY "offset"`,
      [runId],
    );
    for (const row of stream.rows) {
      bytes['stream rows'] = (bytes['stream rows'] ?? 0) + Buffer.byteLength(row.value);
      // DBOS's SuperJSON record: `{ json, meta?, __dbos_serializer }`.
      const batch = (JSON.parse(row.value) as { json?: { events?: { type: string }[] } } | null)
        ?.json;
      for (const event of batch?.events ?? []) {
        const key = `stream ${event.type}`;
        bytes[key] = (bytes[key] ?? 0) + Buffer.byteLength(JSON.stringify(event));
      }
    }
    return bytes;
  } finally {
    await client.end();
  }
}

/** The structured-output run's input and its JSON answer (the `structuredThinking` agent). */
const THINKING_INPUT = 'Where is order 7, as JSON?';
const THINKING_ANSWER = '{"order":"7","status":"shipped"}';
/** The marked chat's messages (durable-scan50), and the one whose answer holds the key. */
const MARK_INPUT = 'Mark ';
const KEY_INPUT = 'Mark 1: what is your key?';
/**
 * The long chat's messages (durable-chat54): each answered with about the ~1.1 KB a stored turn
 * of leftovers61's probe had.
 */
const GROW_INPUT = 'Grow ';
/** Turns of the long chat (its bytes table in bench/RESULTS.md is 20: `CHAT_BYTES_TURNS=20`). */
const GROW_TURNS = Number(process.env['CHAT_BYTES_TURNS'] ?? '5');
/** The key of the worker's client (worker.ts). */
const WORKER_KEY = 'test-key';
/** The first texts of the guardrail cycle's runs, worker and in process, each answered `checked`. */
const CYCLE_INPUTS = new Set(['Go.', 'Again.']);

/**
 * lookup → slow → answer: one run is three model calls and two tools. The run asked
 * {@link LONG_INPUT}: lookup, then the long answer (what a run with a long turn stores, below);
 * {@link THINKING_INPUT}: lookup, then the JSON, each turn with its thoughts; the guardrail
 * cycle's runs (`Go.`, `Again.`): `checked`.
 */
function supportScript(): Parameters<typeof createFakeGemini>[0] {
  return {
    script: (request, context) => {
      const contents = (request.body as { contents?: Content[] }).contents;
      if (CYCLE_INPUTS.has(contents?.[0]?.parts?.[0]?.text ?? '')) return turn.text('checked');
      // The marked chat's turns: one answer each, the key's turn with the worker's key in it.
      const said = contents?.at(-1)?.parts?.[0]?.text ?? '';
      if (said.startsWith(MARK_INPUT)) {
        return turn.text(said === KEY_INPUT ? `Your key is ${WORKER_KEY}.` : `Noted: ${said}`);
      }
      if (said.startsWith(GROW_INPUT)) {
        return turn.text(`${said}: ${'Order 7 shipped on Monday. '.repeat(40)}`);
      }
      const sent = JSON.stringify(contents);
      if (sent.includes(THINKING_INPUT)) {
        return context.functionResponses.length > 0
          ? turn.text(THINKING_ANSWER, { thoughts: 'It shipped.' })
          : turn.call('lookup', { order: '7' }, { thoughts: 'Look the order up first.' });
      }
      if (sent.includes(LONG_INPUT)) {
        return context.functionResponses.length > 0
          ? turn.text(LONG)
          : turn.call('lookup', { order: '7' });
      }
      const answered = context.functionResponses.map((response) => response.name);
      if (answered.includes('slow')) return turn.text('Order 7 shipped; no refund needed.');
      if (answered.includes('lookup')) return turn.call('slow', { order: '7' });
      return turn.call('lookup', { order: '7' });
    },
  };
}

describe('durable runs', () => {
  let fake: FakeGemini;
  let databaseUrl: string;
  let runs: DurableRuns;
  let worker: WorkerProcess;
  const counter = createCounter();

  beforeAll(async () => {
    fake = createFakeGemini(supportScript());
    await fake.listen();
    databaseUrl = await workerDatabase('runs');
    worker = await startWorker({
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      SLOW_MS: '50',
    });
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    await runs?.close();
    if (worker !== undefined) await stopWorker(worker);
    await fake?.close();
  });

  it('runs an agent on a worker and returns its result, with each tool run once', async () => {
    const { runId } = await runs.start('support', { runId: 'basic-1', input: 'Where is order 7?' });
    const result = await runs.result(runId);
    expect(result.text).toBe('Order 7 shipped; no refund needed.');
    expect(result.steps.map((step) => step.toolCalls.map((call) => call.toolName))).toEqual([
      ['lookup'],
      ['slow'],
      [],
    ]);
    expect(
      counter
        .lines()
        .filter((line) =>
          line.endsWith(`basic-1:1.0:${result.steps[0]?.toolCalls[0]?.toolCallId}`),
        ),
    ).toEqual([
      `start lookup basic-1:1.0:${result.steps[0]?.toolCalls[0]?.toolCallId}`,
      `done lookup basic-1:1.0:${result.steps[0]?.toolCalls[0]?.toolCallId}`,
    ]);
    expect((await runs.status(runId))?.status).toBe('SUCCESS');
  });

  it('carries a run’s generationConfig to each of its model calls on the worker, and refuses a non-object', async () => {
    const input = 'Where is order 7, coolly?';
    const generationConfig = { temperature: 0.3, maxOutputTokens: 256, stopSequences: ['END'] };
    const { runId } = await runs.start('support', { runId: 'gen-1', input, generationConfig });
    expect((await runs.result(runId)).text).toBe('Order 7 shipped; no refund needed.');
    const ofRun = fake.modelRequests.filter((request) =>
      JSON.stringify((request.body as { contents?: unknown }).contents).includes(input),
    );
    expect(ofRun).toHaveLength(3);
    for (const request of ofRun) {
      expect((request.body as { generationConfig?: unknown }).generationConfig).toEqual(
        generationConfig,
      );
    }
    await expect(
      runs.start('support', { input, generationConfig: [] as never }),
    ).rejects.toMatchObject({ argument: 'generationConfig' });
    // Its fields at start, as a run's are (attack-core7: a NaN was enqueued, a run that could only
    // fail on the worker); nothing enqueued.
    for (const [field, value] of [
      ['temperature', Number.NaN],
      ['topK', 1.5],
      ['maxOutputTokens', 'many'],
    ] as const) {
      await expect(
        runs.start('support', {
          runId: `gen-bad-${field}`,
          input,
          generationConfig: { [field]: value } as never,
        }),
      ).rejects.toMatchObject({ argument: `generationConfig.${field}` });
      expect(await runs.status(`gen-bad-${field}`)).toBeUndefined();
    }
    // A thinking level beside a budget, which the API answers with a 400 (leftovers66).
    await expect(
      runs.start('support', {
        runId: 'gen-bad-thinking',
        input,
        generationConfig: {
          thinkingConfig: { thinkingLevel: 'low', thinkingBudget: 512 },
        } as never,
      }),
    ).rejects.toMatchObject({
      argument: 'generationConfig.thinkingConfig',
      message: expect.stringContaining('sets both thinkingLevel and thinkingBudget'),
    });
    expect(await runs.status('gen-bad-thinking')).toBeUndefined();
  });

  it('streams the same event types as agent.stream, and reconnects from an offset', async () => {
    const { runId } = await runs.start('support', {
      runId: 'events-1',
      input: 'Where is order 7?',
    });
    const all = [];
    for await (const item of runs.events(runId)) all.push(item);
    expect(all.map((item) => item.offset)).toEqual(all.map((_, index) => index));
    const types = all.map((item) => item.event.type);
    expect(types[0]).toBe('step-start');
    expect(types).toContain('tool-call');
    expect(types).toContain('tool-result');
    expect(types.at(-1)).toBe('run-end');
    const rest = [];
    for await (const item of runs.events(runId, { offset: 5 })) rest.push(item);
    expect(rest).toEqual(all.slice(5));
  });

  it('starts a run id once: the second start returns the same run', async () => {
    const before = fake.modelRequests.length;
    await runs.start('support', { runId: 'same-id', input: 'Where is order 7?' });
    await runs.start('support', { runId: 'same-id', input: 'Where is order 7?' });
    const result = await runs.result('same-id');
    expect(result.text).toBe('Order 7 shipped; no refund needed.');
    expect(fake.modelRequests.length - before).toBe(3);
    expect((await runs.list()).filter((run) => run.runId === 'same-id')).toHaveLength(1);
  });

  it('turns a 429 with RetryInfo into a durable sleep, then makes the call again', async () => {
    const before = fake.modelRequests.length;
    fake.failNext({ type: 'rate-limit', retryDelaySeconds: 1 });
    const { runId } = await runs.start('support', {
      runId: 'rate-limited-once',
      input: 'Where is order 7?',
    });
    const result = await runs.result(runId);
    expect(result.text).toBe('Order 7 shipped; no refund needed.');
    expect(fake.modelRequests.slice(before).map((request) => request.status)).toEqual([
      429, 200, 200, 200,
    ]);
    const client = await DBOSClient.create({ systemDatabaseUrl: databaseUrl });
    try {
      const steps = ((await client.listWorkflowSteps(runId)) ?? []).map((step) => step.name);
      // The delay is checkpointed: a worker that dies during it is replaced by one that wakes on time.
      // First the step boundary's read of the run's steering messages (issue 32: runs.steer).
      expect(steps.slice(0, 4)).toEqual([
        'DBOS.recv',
        'gemloop.model:stream',
        'DBOS.sleep',
        'gemloop.model:stream',
      ]);
    } finally {
      await client.destroy();
    }
  });

  it('reads steering messages only at the boundaries where one waits, not at every step (issue 35)', async () => {
    const { runId } = await runs.start('support', {
      runId: 'unsteered',
      input: 'Where is order 7?',
    });
    expect((await runs.result(runId)).text).toBe('Order 7 shipped; no refund needed.');
    const client = await DBOSClient.create({ systemDatabaseUrl: databaseUrl });
    try {
      const steps = ((await client.listWorkflowSteps(runId)) ?? []).map((step) => step.name);
      // Three model calls, two tools: the first boundary reads (nothing ran before it to look),
      // the next two and the one after the answer do not, since no recorded step saw a steer.
      expect(steps.filter((name) => name === 'DBOS.recv')).toEqual(['DBOS.recv']);
      expect(steps[0]).toBe('DBOS.recv');
      expect(steps.filter((name) => name.startsWith('gemloop.model:'))).toHaveLength(3);
    } finally {
      await client.destroy();
    }
  });

  it('runs chat turns as durable runs, each with the turns before it, saved in Postgres', async () => {
    const store = createPostgresHistoryStore({ connectionString: databaseUrl });
    try {
      const first = await sendDurableChatTurn({
        runs,
        store,
        sessionId: 'durable-chat',
        agent: 'support',
        message: 'first',
      });
      const second = await sendDurableChatTurn({
        runs,
        store,
        sessionId: 'durable-chat',
        agent: 'support',
        message: 'second',
        generationConfig: { temperature: 0.5 },
      });
      const turns = await store.load('durable-chat');
      expect(turns.map((turn) => turn.contents)).toEqual([first.newContents, second.newContents]);
      // The second turn's run continued the first: its history starts with the first turn.
      expect(second.contents.slice(0, first.newContents.length)).toEqual(first.newContents);
      expect((await runs.status('durable-chat:turn-1'))?.status).toBe('SUCCESS');

      // With the agent's model given, turns that record none are of unknown origin: they go to
      // the worker as turns (JSON in the run's input) and lose their thought signatures there;
      // the new turn is stored with the model.
      const signatures = (contents: readonly Content[]) =>
        contents.flatMap((content) => content.parts.flatMap((part) => part.thoughtSignature ?? []));
      expect(signatures(first.newContents).length).toBeGreaterThan(0);
      const third = await sendDurableChatTurn({
        runs,
        store,
        sessionId: 'durable-chat',
        agent: 'support',
        message: 'third',
        model: 'gemini-3-flash-preview',
      });
      const earlier = first.newContents.length + second.newContents.length;
      // The second turn's generationConfig went with its run only.
      const sentWith = (text: string, without?: string) =>
        fake.modelRequests
          .filter((request) => {
            const sent = JSON.stringify((request.body as { contents?: unknown }).contents);
            return (
              sent.includes(`"${text}"`) &&
              (without === undefined || !sent.includes(`"${without}"`))
            );
          })
          .map((request) => (request.body as { generationConfig?: unknown }).generationConfig);
      expect(sentWith('second', 'third')).toEqual([
        { temperature: 0.5 },
        { temperature: 0.5 },
        { temperature: 0.5 },
      ]);
      expect(sentWith('third')).toEqual([undefined, undefined, undefined]);
      expect(signatures(third.contents.slice(0, earlier))).toEqual([]);
      expect(signatures(third.newContents).length).toBeGreaterThan(0);
      const stored = await store.load('durable-chat');
      expect(stored.map((turn) => turn.model)).toEqual([
        undefined,
        undefined,
        'gemini-3-flash-preview',
      ]);
      expect(stored[0]?.contents).toEqual(first.newContents);
      // Each durable turn keeps its cost and the conversation's usage and cost so far, as a chat
      // session's turn does: a session reopened on the store goes on from them.
      expect(stored.map((turn) => turn.cost)).toEqual([first.cost, second.cost, third.cost]);
      const tokens = [first, second, third].reduce(
        (sum, result) => sum + result.usage.totalTokenCount,
        0,
      );
      expect(stored[2]?.sessionSpend?.usage.totalTokenCount).toBe(tokens);
      expect(tokens).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  // durable-scan50 (issue 53): a turn's run scanned the whole thread (its run-end's result holds
  // it) at every turn. A turn whose contents hold no key is marked, and the next turn's run skips
  // the leading marked turns (keyless-history.ts); a key in a turn still reaches no reader.
  it('marks the turns without the key, sends the leading marked ones as keyless, and no key reaches the events', async () => {
    const store = createPostgresHistoryStore({ connectionString: databaseUrl });
    const session = 'marked-chat';
    try {
      const results = [];
      for (let index = 0; index < 4; index++) {
        const message = index === 1 ? KEY_INPUT : `${MARK_INPUT}${index}.`;
        results.push(
          await sendDurableChatTurn({ runs, store, sessionId: session, agent: 'support', message }),
        );
      }
      const turns = (await store.load(session)) as { contents: Content[]; keylessFor?: unknown }[];
      // The key's turn is not marked; the others are, with the fingerprint of the worker's keys.
      expect(turns.map((stored) => typeof stored.keylessFor)).toEqual([
        'string',
        'undefined',
        'string',
        'string',
      ]);
      expect(turns[0]?.keylessFor).toMatch(/^[0-9a-f]{16}$/);
      // Each run's input: the leading marked turns (the first turn's two contents), from turn 1 on.
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      const keyless: (string | undefined)[] = [];
      try {
        for (let index = 0; index < 4; index++) {
          const { rows } = await client.query<{ row: string }>(
            'SELECT t::text AS row FROM dbos.workflow_input t WHERE workflow_uuid = $1',
            [`${session}:turn-${index}`],
          );
          keyless.push(/keylessHistory\W+contents\W+(\d+)/.exec(rows[0]?.row ?? '')?.[1]);
        }
      } finally {
        await client.end();
      }
      expect(keyless).toEqual([undefined, '2', '2', '2']);
      // The result read back holds the whole thread, as before.
      const last = results[3];
      expect(last?.contents).toEqual([
        ...turns.slice(0, 3).flatMap((stored) => stored.contents),
        ...(last?.newContents ?? []),
      ]);
      expect(JSON.stringify(last?.contents)).toContain(`Your key is ${WORKER_KEY}.`);
      // No reader of the events reads the key: not the key's turn, nor a later one's run-end.
      for (let index = 1; index < 4; index++) {
        const events = [];
        for await (const { event } of runs.events(`${session}:turn-${index}`)) events.push(event);
        expect(events.at(-1)?.type).toBe('run-end');
        expect(JSON.stringify(events)).not.toContain(WORKER_KEY);
      }
    } finally {
      await store.close();
    }
  });

  // durable-chat54 (issue 53): each turn's run stored the whole thread in its output again
  // (`result.contents`, beside its input's history): written bytes grew ~1.2 KB a turn there,
  // quadratic over a conversation. The output now holds the turn only and reads back whole.
  it('writes a chat turn’s output without the thread: the same bytes at turn 2 as at the last, read back whole', async () => {
    const store = createPostgresHistoryStore({ connectionString: databaseUrl });
    const session = 'long-chat';
    try {
      const results = [];
      const rows = [];
      for (let index = 0; index < GROW_TURNS; index++) {
        results.push(
          await sendDurableChatTurn({
            runs,
            store,
            sessionId: session,
            agent: 'support',
            message: `${GROW_INPUT}${index}`,
          }),
        );
        rows.push(await storedBytes(databaseUrl, `${session}:turn-${index}`));
      }
      if (process.env['STORED_BYTES_PRINT'] === '1') {
        let cumulative = 0;
        for (const [index, bytes] of rows.entries()) {
          const steps = Object.entries(bytes)
            .filter(([name]) => name.startsWith('step '))
            .reduce((sum, [, count]) => sum + count, 0);
          const input = bytes['workflow_input'] ?? 0;
          const output = bytes['workflow_output'] ?? 0;
          cumulative += input + output + steps;
          console.log(
            `| ${index + 1} | ${input} | ${output} | ${steps} | ${input + output + steps} | ${cumulative} |`,
          );
        }
      }
      const output = rows.map((bytes) => bytes['workflow_output'] ?? 0);
      // The same turn each time (the answer's ~1.1 KB, its step, its usage): the output stays
      // within a few bytes of turn 2's (the digits of a count), where it grew by a turn a turn.
      const second = output[1] as number;
      expect(second).toBeGreaterThan(1_000);
      for (const bytes of output.slice(1)) expect(Math.abs(bytes - second)).toBeLessThan(64);
      // Read back whole: the last result's contents are the stored thread and its turn.
      const turns = await store.load(session);
      expect(turns).toHaveLength(GROW_TURNS);
      const last = results.at(-1);
      expect(last?.contents).toEqual(turns.flatMap((stored) => stored.contents));
      // The same from the run's events (its run-end's result) and a later read.
      const again = await runs.result(`${session}:turn-${GROW_TURNS - 1}`);
      expect(again).toEqual(last);
      let runEnd: unknown;
      for await (const { event } of runs.events(`${session}:turn-${GROW_TURNS - 1}`)) {
        if (event.type === 'run-end') runEnd = event.result;
      }
      expect(runEnd).toEqual(last);
    } finally {
      await store.close();
    }
  });

  // Was stored-bytes.test.ts, with a worker, database, fake and client of its own for this one run
  // (the same worker config as this file's): ~2 s of CPU a run of the suite (bench/RESULTS.md,
  // speed-dbos48). It reads only its own run's rows, by its run id.
  it('stores the turn a bounded number of times, and every reader still returns it whole', async () => {
    const { runId } = await runs.start('support', { runId: 'long-1', input: LONG_INPUT });
    const result = await runs.result(runId);
    expect(result.text === LONG).toBe(true);
    const events = [];
    for await (const { event } of runs.events(runId)) events.push(event);
    const bytes = await storedBytes(databaseUrl, runId);
    if (process.env['STORED_BYTES_PRINT'] === '1') console.log(JSON.stringify(bytes, null, 1));
    // The run-end event reads as it did when it was stored whole: the run's stored result.
    const runEnd = events.at(-1);
    expect(runEnd?.type).toBe('run-end');
    // Compared whole, told in a word (a failed toEqual would print the megabytes).
    expect(isDeepStrictEqual(runEnd?.type === 'run-end' ? runEnd.result : undefined, result)).toBe(
      true,
    );
    const parts = result.contents.at(-1)?.parts ?? [];
    expect(parts.map((part) => part.text ?? '').join('') === LONG).toBe(true);
    // The turn once in the workflow's output (before: 7 times, in `contents`, `newContents`,
    // `parts`, `text` and its step's `content`, `response`, `text`), once in the stream besides
    // its deltas (before: 10 times, the step-end's 3 and the run-end's 7), whose own overhead
    // (a delta event each chunk) is the rest. The stream's run-end names the output.
    expect(bytes['workflow_output']).toBeLessThan(LONG.length * 1.2);
    // The model step's record: its chunks packed (packed-chunks.ts), the text once and each
    // chunk's change of usage; whole, each chunk with its envelope, it was 7.8 × the turn.
    expect(bytes['step gemloop.model:stream']).toBeLessThan(LONG.length * 1.6);
    expect(bytes['stream run-end']).toBeLessThan(1_000);
    expect((bytes['stream rows'] ?? 0) - (bytes['stream text-delta'] ?? 0)).toBeLessThan(
      LONG.length * 1.2,
    );
  });

  it('lists runs by status', async () => {
    const done = await runs.list({ status: 'SUCCESS' });
    expect(done.map((run) => run.runId)).toEqual(
      expect.arrayContaining(['basic-1', 'events-1', 'same-id']),
    );
    expect(done.every((run) => run.agent === 'support')).toBe(true);
    expect(await runs.list({ status: 'ERROR' })).toEqual([]);
  });

  // The two tests below were files of their own (durable-output-thinking, guardrail-cycle), each
  // with a worker, database, fake and client of the same config (SLOW_MS, which only their runs'
  // slow tool would read, never called). After `lists runs by status`: their runs' agents are not
  // `support`. Each reads its own run's requests and counter lines.

  // Issue 53 (letters45): structured output and the `thinking` option in a durable run (the
  // README's rows named no D for either). The worker's agent sends its thinking level and the
  // output schema on every model call, the thoughts stay in the run's history, and the result's
  // `output` is the parsed JSON, as a unary run's is. No crash: what differs in a durable run is
  // only where the agent runs.
  it('parses the JSON after the tool call, sends the level and the schema on every call, keeps the thoughts', async () => {
    const { runId } = await runs.start('structuredThinking', {
      runId: 'output-thinking',
      input: THINKING_INPUT,
    });
    const result = await runs.result(runId);
    expect(result.output).toEqual({ order: '7', status: 'shipped' });
    expect(result.text).toBe(THINKING_ANSWER);
    expect(result.steps.map((step) => step.toolCalls.map((call) => call.outcome))).toEqual([
      ['success'],
      [],
    ]);
    const ofRun = fake.modelRequests.filter((request) =>
      JSON.stringify((request.body as { contents?: unknown }).contents).includes(THINKING_INPUT),
    );
    expect(ofRun).toHaveLength(2);
    for (const request of ofRun) {
      expect((request.body as { generationConfig?: unknown }).generationConfig).toMatchObject({
        thinkingConfig: { thinkingLevel: 'LOW', includeThoughts: true },
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object', required: ['order', 'status'] },
      });
    }
    const thoughts = result.contents.flatMap((content) =>
      content.parts.filter((part) => part.thought === true).map((part) => part.text),
    );
    expect(thoughts).toEqual(['Look the order up first.', 'It shipped.']);
  });

  // A durable run's input guardrail whose check runs its own agent, whose input check runs that
  // agent again (worker.ts `checkedByCycle`): the run depth limit ends the cycle, 64 runs deep, at
  // the same depth as in process. The durable run's check is a recorded step, and DBOS calls a
  // step's body after an await, where the depth set around the check was gone: the check's agent
  // started at depth 0 instead of 1 and the cycle went one run deeper (leftovers53 noticed,
  // leftovers54).
  // The in-process tree and the worker's run side by side: 65 runs one inside the other each,
  // mostly waiting on the fake's answers (2 s of wall for 0.15 s of CPU in process at load 35).
  it('ends a guardrail cycle at the run depth limit, as in process', async () => {
    const runId = 'guardrail-cycle';
    const [expected] = await Promise.all([
      inProcessCycleStarts(fake.url),
      runs.start('checkedByCycle', { runId, input: 'Go.' }),
    ]);
    expect(expected).toBe(65);
    const result = (await runs.result(runId)) as AgentResult<unknown>;
    expect(result.text).toBe('checked');
    expect(counter.count('checker start')).toBe(expected);
    const refused = counter.lines().filter((line) => line.startsWith('checker failed'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain('a run 65 deep');
  });
});

/** The guardrail cycle's tree in this process: how many checker runs start before the limit refuses one. */
async function inProcessCycleStarts(fakeUrl: string): Promise<number> {
  const gemini = createGemini({ apiKey: 'test-key', baseUrl: fakeUrl, retry: { maxRetries: 0 } });
  let starts = 0;
  const again = (): Promise<undefined> => {
    starts++;
    return checker.run('Again.').then(
      () => undefined,
      () => undefined,
    );
  };
  const checker = createAgent({
    gemini,
    model: 'gemini-3-flash-preview',
    guardrails: guardrails({ input: [{ name: 'again', check: again }] }),
  });
  const top = createAgent({
    gemini,
    model: 'gemini-3-flash-preview',
    guardrails: guardrails({ input: [{ name: 'cycle', check: again }] }),
  });
  await top.run('Go.');
  return starts;
}
