import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentEvent, type Content, createGemini } from '@gemloop/core';
import { createMemory, geminiEmbed } from '@gemloop/core/memory';
import { toDurableEventStreamResponse } from '@gemloop/core/web';
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
  ANSWER,
  createScriptedFake,
  EXTRACTED,
  REASK_ANSWER,
  REASK_INPUT,
  REFUSED_ANSWER,
} from '../../__fixtures__/scripted-crash-fake.ts';
import { createDurableRuns, type DurableRunResult, type DurableRuns } from '../../index.ts';
import { createPostgresMemoryStore } from '../../memory/create-postgres-memory-store.ts';
import { readRecordedRuns } from '../../recorded-runs/index.ts';

type Fleet = {
  fake: FakeGemini;
  runs: DurableRuns;
  workers: WorkerProcess[];
  counter: ReturnType<typeof createCounter>;
  /** What each worker is started with, for a worker started later. */
  env: Record<string, string>;
};
let fleet: Fleet;
const answerCalls = new Map<string, number>();

/** Where a test holds a run's slow tool until it has killed the worker (worker.ts HOLD_DIR). */
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

beforeAll(async () => {
  const fake = createScriptedFake((input) => {
    answerCalls.set(input ?? '', (answerCalls.get(input ?? '') ?? 0) + 1);
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('crash');
  const counter = createCounter();
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    // Every kill holds the slow tool (HOLD_DIR); elsewhere it need not wait.
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
    // The kill's eight runs in flight at once on one worker (the fixture's default is 4 slots).
    WORKER_CONCURRENCY: '8',
  };
  // One worker: the kill's six runs are on it (killed starts the one that takes them over).
  const workers = [await startWorker({ ...env, EXECUTOR_ID: 'crash-worker-0' })];
  const runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  fleet = { fake, runs, workers, counter, env };
});

afterAll(async () => {
  await memoryStore?.close();
  await fleet?.runs.close();
  for (const worker of fleet?.workers ?? []) await stopWorker(worker, 'SIGKILL');
  await fleet?.fake.close();
});

/** The generationConfig the 'crash-tool' run is started with (the agent has none of its own). */
const RUN_SETTINGS = { temperature: 0.3, maxOutputTokens: 256, seed: 11, stopSequences: ['END'] };

let baseline: { result: DurableRunResult; modelCalls: number } | undefined;

/** An uninterrupted run of the same script, for the verbatim comparison. */
async function baselineRun(): Promise<{ result: DurableRunResult; modelCalls: number }> {
  if (baseline !== undefined) return baseline;
  const before = fleet.fake.modelRequests.length;
  const { runId } = await fleet.runs.start('support', {
    runId: 'baseline',
    input: 'Where is order 7? (baseline)',
  });
  const result = await fleet.runs.result(runId);
  baseline = { result, modelCalls: fleet.fake.modelRequests.length - before };
  return baseline;
}

/** Which worker process is running the run now. */
async function ownerOf(runId: string): Promise<WorkerProcess> {
  const executorId = (await fleet.runs.status(runId))?.executorId;
  const owner = fleet.workers.find((worker) => worker.executorId === executorId);
  if (owner === undefined) throw new Error(`no worker owns ${runId} (executor ${executorId})`);
  return owner;
}

/** The history of a run with its first user message replaced, to compare with the baseline's. */
function withoutInput(contents: DurableRunResult['contents']): unknown[] {
  return contents.slice(1);
}

/**
 * The plugged run's tool results as its stored events keep them (`runs.events`, what the worker
 * that took over replayed included): each marked `replaced` with the tool's own `output` beside
 * the marked value the model got, and a page served the run (`toDurableEventStreamResponse`, as
 * docs/streaming-to-a-browser.md serves a durable run) shows the marked value, never the tool's own
 * (attack54b: attack54's `replaced` flag, by reading carried by `storedEvent`, not run on Postgres).
 */
async function expectStoredMarks(runId: string): Promise<void> {
  const stored: AgentEvent<unknown>[] = [];
  for await (const { event } of fleet.runs.events(runId)) stored.push(event);
  const results = stored.flatMap((event) => (event.type === 'tool-result' ? [event] : []));
  expect(results.length).toBeGreaterThan(0);
  for (const { toolCall } of results) {
    expect(toolCall.replaced, toolCall.toolName).toBe(true);
    expect(toolCall.output).not.toMatchObject({ marked: true });
    expect(toolCall.response.response).toMatchObject({ marked: true });
  }
  const page = toDurableEventStreamResponse(
    { headers: new Headers() },
    { runId, events: (offset) => fleet.runs.events(runId, { offset }), heartbeatMs: 0 },
  );
  const frames = (await page.text())
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as { type: string; preview?: string });
  const previews = frames.filter((frame) => frame.type === 'tool-result');
  expect(previews).toHaveLength(results.length);
  for (const frame of previews) expect(frame.preview).toContain('"marked":true');
}

// One kill for the file's six runs, found as after any crash: the killed worker's Postgres session
// ends, and a survivor's beat two heartbeats later sees it (the fixture's silence, 10 minutes,
// never counts: a live worker stalled at load is not taken over; worker-liveness.ts). The raw
// kill's two runs (a tool call held in `slow`, a streamed answer cut 150 ms in) and the four that
// test what the run taken over replays (guardrails, a plugin, a request plugin, memory) are in
// flight together on the one worker started with the file, each held inside its slow tool but the
// streamed one, and one SIGKILL ends them all (killed): each test still reads its own run, and a
// worker that dies with several runs is the common case. One kill and one start for the six:
// the four had a kill and a start of their own, through crashWorker (bench/RESULTS.md, helpers
// speed-dbos47, speed-dbos50, speed-dbos51a).

/** The raw kill's runs: one held in its slow tool, one killed in its streamed answer. */
const RAW = {
  tool: { runId: 'crash-tool', input: 'Where is order 7?' },
  stream: { runId: 'crash-stream', input: 'Where is order 7? (stream)' },
} as const;

/** The model requests of the run given `input` (several runs share the fake). */
const requestsOf = (input: string) =>
  fleet.fake.modelRequests.filter(
    (request) =>
      (request.body as { contents?: { parts?: { text?: string }[] }[] }).contents?.[0]?.parts?.[0]
        ?.text === input,
  );

/** The four replay tests' runs: agent, run id and input. */
const TOGETHER = {
  guarded: { runId: 'crash-guarded', input: 'Where is order 7? (guarded)' },
  plugged: { runId: 'crash-plugged', input: 'Where is order 7? (plugged)' },
  requested: { runId: 'crash-requested', input: 'Where is order 7? (requested)' },
  remembering: { runId: 'crash-remembering', input: 'Where is order 7? (remembering)' },
  reasked: { runId: 'crash-reasked', input: `${REASK_INPUT} where is order 7?` },
} as const;

/**
 * The run given a whole history (`agent.run(contents)`: what a door passes): its input guardrail
 * checks the user turn the history ends with and rewrites it, naming the worker that checked it.
 */
const HISTORY = {
  runId: 'crash-guarded-history',
  agent: 'guardedHistory',
  earlier: 'Hello (guarded history)',
  last: 'Where is order 7? (guarded history)',
} as const;
const HISTORY_INPUT: Content[] = [
  { role: 'user', parts: [{ text: HISTORY.earlier }] },
  { role: 'model', parts: [{ text: 'Hello, how can I help?' }] },
  { role: 'user', parts: [{ text: HISTORY.last }] },
];

/** The long-term memory the `remembering` run recalls from (the worker's table and embeddings). */
let memoryStore: ReturnType<typeof createPostgresMemoryStore> | undefined;

type Killed = {
  /** The worker that held the six runs when it was killed. */
  victim: WorkerProcess;
  /** The fake's request count before the runs started. */
  from: number;
  memory: ReturnType<typeof createMemory>;
};
let killing: Promise<Killed> | undefined;

/**
 * After the baseline: starts the six runs on the one worker, each held in its slow tool, starts
 * the worker that takes them over, lets the streamed one go and SIGKILLs the worker 150 ms into
 * its answer (the others still held), then lets the others go. Once for the file's tests,
 * whichever runs first.
 */
function killed(): Promise<Killed> {
  killing ??= (async () => {
    await baselineRun();
    memoryStore = createPostgresMemoryStore({
      connectionString: fleet.env['DATABASE_URL'] as string,
      table: 'crash_memories',
    });
    const gemini = createGemini({ baseUrl: fleet.fake.url, apiKey: 'test-key', retry: false });
    const memory = createMemory({
      store: memoryStore,
      embed: geminiEmbed({ gemini, dimensions: 16 }),
    });
    // What the user told an earlier run, in the worker's store.
    await memory.remember('crash-user', 'The user ordered order 7 on Sunday.');
    const from = fleet.fake.requests.length;
    const held = [...Object.values(RAW), ...Object.values(TOGETHER), HISTORY].map(
      ({ runId }) => runId,
    );
    // The slow tool waits until the worker is dead: its own timer raced the kill on a busy machine.
    for (const runId of held) writeFileSync(join(holdDirectory, runId), '');
    await fleet.runs.start('support', {
      ...RAW.tool,
      // The run's own settings: in the workflow's input, so the worker that takes over sends them.
      generationConfig: RUN_SETTINGS,
    });
    await fleet.runs.start('support', RAW.stream);
    for (const [agent, { runId, input }] of Object.entries(TOGETHER))
      await fleet.runs.start(agent, { runId, input });
    await fleet.runs.start(HISTORY.agent, { runId: HISTORY.runId, input: HISTORY_INPUT });
    for (const runId of held)
      await waitFor(
        () => fleet.counter.count(`start slow ${runId}:`) === 1,
        `the slow tool of ${runId} to start`,
      );
    const victim = await ownerOf(RAW.tool.runId);
    for (const runId of held) expect(await ownerOf(runId)).toBe(victim);
    fleet.workers.push(await startWorker({ ...fleet.env, EXECUTOR_ID: 'crash-worker-1' }));
    rmSync(join(holdDirectory, RAW.stream.runId));
    await waitFor(() => answerCalls.get(RAW.stream.input) === 1, 'the answer to start streaming');
    await new Promise((resolve) => setTimeout(resolve, 150));
    await stopWorker(victim, 'SIGKILL');
    for (const runId of held) rmSync(join(holdDirectory, runId), { force: true });
    return { victim, from, memory };
  })();
  return killing;
}

describe('a worker killed in the middle of a run', () => {
  it('in the middle of a tool call: another worker finishes the run, with the same history, each completed call once', async () => {
    const baseline = await baselineRun();
    const { victim } = await killed();
    const { runId, input } = RAW.tool;

    const result = await fleet.runs.result(runId);
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    // The history, model turns with their signatures and call ids included, is an uninterrupted run's.
    expect(withoutInput(result.contents)).toEqual(withoutInput(baseline.result.contents));
    expect(result.text).toBe(ANSWER);
    expect(result.usage).toEqual(baseline.result.usage);
    // The cost on each recorded step result and on the run result is an uninterrupted run's
    // (gemini-3-flash-preview has a price: a number, not an unknown).
    expect(result.cost.total).toMatch(/^\d+\.\d+$/);
    expect(result.cost).toEqual(baseline.result.cost);
    expect(result.steps.map((step) => step.cost)).toEqual(
      baseline.result.steps.map((step) => step.cost),
    );
    // No completed model call was made again: the fake saw exactly the baseline's calls.
    const sent = requestsOf(input);
    expect(sent).toHaveLength(baseline.modelCalls);
    // Each of them, the last one sent by the worker that took over, with the run's settings.
    expect(
      sent.map((request) => (request.body as { generationConfig?: unknown }).generationConfig),
    ).toEqual(sent.map(() => RUN_SETTINGS));
    // lookup completed before the kill and ran once; slow was cut, ran again, and completed once.
    // <runId>:<step>.<index in the turn>:<call id>: lookup is step 1's call, slow step 2's.
    const key = (name: string): string => `${runId}:${name === 'lookup' ? 1 : 2}.0:call-${name}`;
    expect(fleet.counter.lines().filter((line) => line.endsWith(key('lookup')))).toEqual([
      `start lookup ${key('lookup')}`,
      `done lookup ${key('lookup')}`,
    ]);
    expect(fleet.counter.count(`done slow ${key('slow')}`)).toBe(1);
    expect(fleet.counter.count(`start slow ${key('slow')}`)).toBe(2);
  });

  it('the run taken over reads back as a recorded run with each request as the fake received it', async () => {
    // The worker that took 'crash-tool' over replayed its first calls: it captured their requests
    // again and wrote them with its first event entry (readRecordedRuns, evals from Postgres).
    const read = [];
    for await (const run of readRecordedRuns({
      databaseUrl: fleet.env['DATABASE_URL'] as string,
      runIds: ['crash-tool'],
    })) {
      read.push(run);
    }
    expect(read.map((run) => run.runId)).toEqual(['crash-tool']);
    const requests = (read[0]?.lines ?? []).flatMap((line) =>
      line.type === 'model-call-start' ? [line.request as Record<string, unknown>] : [],
    );
    type Body = Record<string, unknown> & { contents?: { parts?: { text?: string }[] }[] };
    const sent = fleet.fake.modelRequests
      .map((request) => request.body as Body)
      .filter((body) => body.contents?.[0]?.parts?.[0]?.text === 'Where is order 7?');
    expect(requests).toHaveLength(3);
    expect(sent).toHaveLength(3);
    requests.forEach((request, call) => {
      for (const key of [
        'contents',
        'systemInstruction',
        'tools',
        'toolConfig',
        'generationConfig',
      ]) {
        expect({ call, key, value: request[key] }).toEqual({ call, key, value: sent[call]?.[key] });
      }
    });
  });

  it('in the middle of a streamed model call: the call is made again elsewhere, usage counts it once', async () => {
    const baseline = await baselineRun();
    const { victim } = await killed();
    const { runId, input } = RAW.stream;

    const result = await fleet.runs.result(runId);
    expect(answerCalls.get(input)).toBe(2);
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(withoutInput(result.contents)).toEqual(withoutInput(baseline.result.contents));
    expect(result.text).toBe(ANSWER);
    expect(result.usage).toEqual(baseline.result.usage);
    // The call cut by the kill is not billed twice in the cost either.
    expect(result.cost).toEqual(baseline.result.cost);
    expect(result.steps).toHaveLength(3);
    // One call more than the baseline: the one cut by the kill; both tools completed once each.
    expect(requestsOf(input)).toHaveLength(baseline.modelCalls + 1);
    expect(fleet.counter.count(`done lookup ${runId}:`)).toBe(1);
    expect(fleet.counter.count(`start slow ${runId}:`)).toBe(1);
    expect(fleet.counter.count(`done slow ${runId}:`)).toBe(1);
    // A watcher that reads the events after the takeover sees each event once, in order.
    const events = [];
    for await (const item of fleet.runs.events(runId)) events.push(item);
    expect(events.map((item) => item.offset)).toEqual(events.map((_, index) => index));
    expect(events.filter((item) => item.event.type === 'run-end')).toHaveLength(1);
    expect(
      events
        .filter((item) => item.event.type === 'text-delta')
        .map((item) => (item.event.type === 'text-delta' ? item.event.text : ''))
        .join(''),
    ).toBe(ANSWER);
  });

  it('with guardrails: a verdict recorded before the kill is not checked again by the worker that takes over', async () => {
    const baseline = await baselineRun();
    const { victim } = await killed();
    const { runId, input } = TOGETHER.guarded;

    const result = await fleet.runs.result(runId);
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    // The input check ran once, before the kill; the replay took its recorded verdict.
    expect(fleet.counter.count(`guardrail input ${input}`)).toBe(1);
    expect(fleet.counter.count('guardrail output ')).toBe(1);
    expect(withoutInput(result.contents)).toEqual(withoutInput(baseline.result.contents));
    expect(result.text).toBe(ANSWER.toUpperCase());
  });

  it('with a plugin: a hook result recorded before the kill is not asked again, the rest of the run goes on with the plugin', async () => {
    const { victim } = await killed();
    const { runId, input } = TOGETHER.plugged;

    const result = await fleet.runs.result(runId);
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    // Steps 1 and 2 asked the plugin before the kill; the replay took their recorded contents.
    expect(fleet.counter.count(`plugin before ${input} step 1`)).toBe(1);
    expect(fleet.counter.count(`plugin before ${input} step 2`)).toBe(1);
    expect(fleet.counter.count(`plugin before ${input} step 3`)).toBe(1);
    expect(result.text).toBe(ANSWER);
    // Every tool result the model got went through the plugin's afterToolCall (not recorded:
    // deterministic, run again on the replay with the same outcome).
    const responses = result.contents.flatMap((content) =>
      (content.parts ?? []).flatMap((part) =>
        part.functionResponse === undefined ? [] : [part.functionResponse.response],
      ),
    );
    expect(responses.length).toBeGreaterThan(0);
    for (const response of responses) expect(response).toMatchObject({ marked: true });
    // The notes went to the model, never into the history.
    expect(JSON.stringify(result.contents)).not.toContain('NOTE ');
    const sent = fleet.fake.modelRequests
      .map((request) => JSON.stringify((request.body as { contents?: unknown[] }).contents))
      .filter((body) => body.includes(input));
    expect(sent.every((body) => body.includes('NOTE '))).toBe(true);
    // The plugin's reports reached the run's stored events.
    const noted: unknown[] = [];
    for await (const { event } of fleet.runs.events(runId))
      if (event.type === 'plugin') noted.push(event.data);
    expect(noted).toContainEqual({ step: 3 });
    // attack54b: the masked results as stored, and as a page over the stored events shows them.
    await expectStoredMarks(runId);
  });
  it('with a request-level plugin: every request goes through it on both workers, none is sent twice', async () => {
    const { modelCalls } = await baselineRun();
    const { victim } = await killed();
    const { runId, input } = TOGETHER.requested;

    const result = await fleet.runs.result(runId);
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(result.text).toBe(ANSWER);
    // Each request was sent once, as the plugin rewrote it, by whichever worker sent it: the
    // worker that took over got the recorded answers of the requests sent before the kill.
    const sent = fleet.fake.modelRequests.filter((request) =>
      JSON.stringify((request.body as { contents?: unknown }).contents).includes(input),
    );
    expect(sent).toHaveLength(modelCalls);
    for (const request of sent)
      expect((request.body as { generationConfig?: unknown }).generationConfig).toMatchObject({
        seed: 7,
      });
    // The wrapper's own code ran for each request, and again around each one replayed (the
    // guide says so: what must happen once goes in a recorded hook, not in the wrapper).
    expect(fleet.counter.count(`request ${input}`)).toBeGreaterThan(modelCalls);
  });

  it('with long-term memory: the recall recorded before the kill is not made again, the note goes on, the extraction is made once', async () => {
    const { victim, from, memory } = await killed();
    const { runId, input } = TOGETHER.remembering;

    const result = await fleet.runs.result(runId);
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(result.text).toBe(ANSWER);
    // Every request since the runs started; the other three runs' are told apart by their input.
    const sent = fleet.fake.requests.slice(from);
    // The recall embedded the user's message once: before the kill, not again on the replay.
    const embeds = sent.filter(
      (request) => request.method.includes('mbed') && JSON.stringify(request.body).includes(input),
    );
    expect(embeds).toHaveLength(1);
    // Every model call of the run carried the recalled note, the one after the kill too (the
    // replay restored it from the record), and none saved it into the history.
    const calls = sent.filter(
      (request) =>
        request.method.includes('enerateContent') &&
        JSON.stringify(request.body).includes(input) &&
        !JSON.stringify(request.body).includes('You keep long-term memory'),
    );
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const call of calls) {
      expect(JSON.stringify(call.body)).toContain('The user ordered order 7 on Sunday.');
    }
    expect(JSON.stringify(result.contents)).not.toContain('Memories of this user');
    // The extraction: one model call, one memory (the only agent of the four that extracts).
    const extractions = sent.filter((request) =>
      JSON.stringify(request.body).includes('You keep long-term memory'),
    );
    expect(extractions).toHaveLength(1);
    expect((await memory.list('crash-user')).map((remembered) => remembered.text).sort()).toEqual(
      [EXTRACTED, 'The user ordered order 7 on Sunday.'].sort(),
    );
  });
  // leftovers66 (attack51 left it): the `guardrail-retraction` (`invalid-output`) a re-asked
  // step sends before its `step-end` is in the durable run's stream once, though the worker that
  // took the run over replayed that step, and a client reading the events sees it where it was.
  it('with a re-asked answer: the retraction recorded before the kill is in the stream once', async () => {
    const { victim } = await killed();
    const { runId, input } = TOGETHER.reasked;

    const result = await fleet.runs.result(runId);
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(result.output).toEqual({ order: '7', status: 'shipped' });
    expect(result.text).toBe(REASK_ANSWER);
    expect(fleet.counter.count(`done slow ${runId}:`)).toBe(1);
    // The refused answer was asked for once: the replay took its recorded step.
    const refused = fleet.fake.modelRequests.filter(
      (request) =>
        JSON.stringify((request.body as { contents?: unknown }).contents).includes(input) &&
        ((request.body as { contents?: unknown[] }).contents?.length ?? 0) === 1,
    );
    expect(refused).toHaveLength(1);
    const events = [];
    for await (const item of fleet.runs.events(runId)) events.push(item);
    expect(events.map((item) => item.offset)).toEqual(events.map((_, index) => index));
    const retractions = events.filter((item) => item.event.type === 'guardrail-retraction');
    expect(retractions.map((item) => item.event)).toEqual([
      expect.objectContaining({ name: 'invalid-output', text: '', stepNumber: 1, path: [] }),
    ]);
    // Where a reader that shows text by step needs it: after the refused text, before step 1 ends.
    const types = events.map((item) => item.event.type);
    const at = types.indexOf('guardrail-retraction');
    expect(types.slice(0, at)).toContain('text-delta');
    expect(types[at + 1]).toBe('step-end');
    const shown = events
      .filter((item) => item.event.type === 'text-delta')
      .map((item) => (item.event.type === 'text-delta' ? item.event.text : ''));
    expect(shown).toEqual([REFUSED_ANSWER, REASK_ANSWER]);
  });
  // attack60c: attack59c's input guardrails on `agent.run(contents)` (RunTracker's
  // checkedInputStart) in a durable run killed after its check: the check saw the user turn the
  // history ends with, ran once, and the worker that took over sent the first worker's rewrite.
  it('with a whole history as input: its input guardrail checked the last user turn once, and the takeover kept that rewrite', async () => {
    const { victim } = await killed();
    const result = await fleet.runs.result(HISTORY.runId);
    expect((await fleet.runs.status(HISTORY.runId))?.executorId).not.toBe(victim.executorId);
    expect(result.text).toBe(ANSWER);
    expect(
      fleet.counter.lines().filter((line) => line.startsWith('guardrail history-input ')),
    ).toEqual([`guardrail history-input ${HISTORY.last}`]);
    const rewritten = `${HISTORY.last} [checked by ${victim.executorId}]`;
    // The history kept the earlier turns as given and the rewrite in place of the last one.
    expect(result.contents.slice(0, 3)).toEqual([
      HISTORY_INPUT[0],
      HISTORY_INPUT[1],
      { role: 'user', parts: [{ text: rewritten }] },
    ]);
    // Every request, the ones the worker that took over sent too, carried that rewrite.
    const sent = requestsOf(HISTORY.earlier);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    for (const request of sent) {
      const contents = (request.body as { contents: Content[] }).contents;
      expect(contents.slice(0, 3)).toEqual(result.contents.slice(0, 3));
    }
    expect(JSON.stringify(sent.map((request) => request.body))).not.toContain(
      '[checked by crash-worker-1]',
    );
  });
});
