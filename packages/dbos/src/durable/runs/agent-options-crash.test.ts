// An agent's options in a durable run whose worker is SIGKILLed in a tool: a tree cost budget, a
// pricer of its own, the prompt cache, the built-in fallback's grounded call, modelFallback and
// Vertex's streamed function-call arguments each survive the takeover (plus Agent Skills as
// durable tool steps). The six crash runs were six files of one worker env (SLOW_MS 10, HOLD_DIR),
// each with two workers, a database, a fake and a kill: here they are held together in their slow
// tools on one worker and ended by one kill (`killHeldRuns`), the fake's script told apart by each
// run's input. Each test still reads its own run's replay by another worker (bench/RESULTS.md,
// helper speed-dbos53).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerProcess } from '../../__fixtures__/fleet.ts';
import { type HoldingFleet, startHoldingFleet } from '../../__fixtures__/holding-fleet.ts';

type Body = {
  contents?: { role?: string; parts?: { text?: string }[] }[];
  tools?: Record<string, unknown>[];
  toolConfig?: { functionCallingConfig?: { streamFunctionCallArguments?: boolean } };
};

/** A request's first user text: the run's input (each run below has its own). */
const inputOf = (body: unknown): string => String((body as Body).contents?.[0]?.parts?.[0]?.text);

/** Whether a request is the built-in fallback's grounded call: only the built-in, no declarations. */
function isGrounded(body: unknown): boolean {
  return ((body as Body).tools ?? []).some((tool) => 'googleSearch' in tool);
}

/** The crash runs: the agent each runs, its input (how the fake tells it apart) and its options. */
const CRASHES = {
  budget: { agent: 'support', runId: 'cost-budget-crash', input: 'Refund A-1.' },
  pricer: { agent: 'priced', runId: 'priced-crash', input: 'Where is order 7? (priced)' },
  cache: { agent: 'cached', runId: 'cache-crash', input: 'When is rent due? (crash)' },
  searcher: { agent: 'searcher', runId: 'builtin-fallback-crash', input: 'Weather in Tokyo?' },
  fallback: {
    agent: 'fallback',
    runId: 'model-fallback-crash',
    input: 'Where is order 7? (fallback)',
  },
  vertex: { agent: 'vertexPieces', runId: 'vertex-pieces', input: 'Where is order seven-of-nine?' },
} as const;

// gemini-3-flash-preview at $0.50 per 1M input tokens: each budget call costs $0.50.
const BUDGET_USAGE = { promptTokenCount: 1_000_000, candidatesTokenCount: 0 };
const PRICER_USAGE = { promptTokenCount: 1_000, candidatesTokenCount: 10 };
const SOURCES = [{ uri: 'https://weather.example/tokyo', title: 'Tokyo weather' }];
const SEARCH_ANSWER = 'Tokyo is sunny, says Tokyo weather.';
const PRIMARY = 'gemini-3-flash-preview';
const SECOND = 'gemini-3-pro-preview';

/** Each run's turns by its input and how far it got (the function responses it sends back). */
const script: NonNullable<Parameters<typeof startHoldingFleet>[1]>['script'] = (
  request,
  context,
) => {
  if (isGrounded(request.body)) {
    return turn.grounded('Sunny, 24 degrees.', { sources: SOURCES, queries: ['weather tokyo'] });
  }
  const input = inputOf(request.body);
  const answered = context.functionResponses.map((response) => response.name);
  if (input === CRASHES.budget.input) {
    const responses = JSON.stringify(context.functionResponses);
    if (responses.includes('refunded'))
      return turn.call('lookup', { order: 'A-1' }, { usage: BUDGET_USAGE });
    if (responses.includes('shipped')) return turn.text('done', { usage: BUDGET_USAGE });
    return turn.call('slow', { order: 'A-1' }, { usage: BUDGET_USAGE });
  }
  if (input.startsWith('When is rent due?')) {
    // lookup, then slow (held in the crash test until its worker is dead), then an answer.
    const made = (request.body as Body).contents?.filter(
      (content) => content.role === 'model',
    ).length;
    if (made === 2) return turn.text('Rent is due on the first.');
    return turn.call(made === 1 ? 'slow' : 'lookup', { order: '7' });
  }
  if (input === CRASHES.searcher.input) {
    if (answered.includes('slow')) return turn.text(SEARCH_ANSWER);
    if (answered.includes('google_search')) return turn.call('slow', { order: '7' });
    return turn.call('google_search', { query: 'weather tokyo' });
  }
  if (input.startsWith('Skill:')) {
    if (answered.includes('read_skill_file')) return turn.text('Order 7 shipped.');
    if (answered.includes('load_skill'))
      return turn.call('read_skill_file', { name: 'order-desk', path: 'references/tone.md' });
    return turn.call('load_skill', { name: 'order-desk' });
  }
  if (input === CRASHES.vertex.input) {
    if (answered.includes('slow')) return turn.text('Order 7 shipped, no refund.');
    if (answered.includes('lookup')) return turn.call('slow', { order: 'seven-of-nine' });
    return turn.call('lookup', { order: 'seven-of-nine' });
  }
  // The pricer's and the fallback's runs: lookup → slow → answer, a cent each for the pricer.
  const usage = input === CRASHES.pricer.input ? { usage: PRICER_USAGE } : {};
  if (answered.includes('slow')) return turn.text('Order 7 shipped.', usage);
  if (answered.includes('lookup')) return turn.call('slow', { order: '7' }, usage);
  return turn.call('lookup', { order: '7' }, usage);
};

let fleet: HoldingFleet;
beforeAll(async () => {
  // One worker until every crash run is held on it (killedTogether starts their taker). Eight
  // slots: the six held runs and the plain runs beside them.
  fleet = await startHoldingFleet(
    'options-crash',
    {
      script,
      // modelFallback's run only: 503 to the first model once the run sends function responses.
      faults: [
        {
          fault: { type: 'overloaded' },
          on: ({ model, body }) =>
            model === PRIMARY &&
            inputOf(body) === CRASHES.fallback.input &&
            JSON.stringify(body).includes('"functionResponse"'),
        },
      ],
    },
    { workers: 1, env: { WORKER_CONCURRENCY: '8' } },
  );
});
afterAll(async () => {
  await fleet?.close();
});

/** The requests the fake got for `input` (the grounded call's own input is its query). */
const requestsOf = (input: string) =>
  fleet.fake.modelRequests.filter((request) => inputOf(request.body) === input);

let together: Promise<Map<string, WorkerProcess>> | undefined;

/**
 * Starts the six crash runs on the one worker, each held in its slow tool (a file named after
 * the run in HOLD_DIR), then kills it with all six (`killHeldRuns`): one kill and one taker's
 * start, where each file had two starts and a kill. Once for all six, whichever test runs first
 * (a test run alone with `-t` sets it up itself); the worker each run was on when it was killed.
 */
function killedTogether(): Promise<Map<string, WorkerProcess>> {
  together ??= (async () => {
    const held = Object.values(CRASHES).map(({ runId }) => ({ runId, hold: runId }));
    for (const { hold } of held) writeFileSync(join(fleet.holdDirectory, hold), '');
    for (const { agent, runId, input } of Object.values(CRASHES)) {
      const budget = runId === CRASHES.budget.runId ? { budget: { maxCostUsd: '0.75' } } : {};
      await fleet.runs.start(agent, { runId, input, ...budget });
    }
    return fleet.killHeldInSlowTools('options-crash-taker', held);
  })();
  return together;
}

/** Waits for the shared kill, then for `runId`'s end; the worker it was killed on. */
async function victimOf(runId: string): Promise<WorkerProcess> {
  const victim = (await killedTogether()).get(runId);
  if (victim === undefined) throw new Error(`${runId} was not held for the kill`);
  return victim;
}

// The takeover replays the recorded model step, which counts its cost again, so the budget stops
// the run at the same call it would have without the crash (the spent total survives the crash).
describe('a durable run under a cost budget, its worker killed mid-run', () => {
  it('stops at the same call: the cost spent before the crash still counts', async () => {
    // $0.75: the first call ($0.50) and the second ($1.00 in all) are sent, the third refused.
    const { runId, input } = CRASHES.budget;
    const victim = await victimOf(runId);

    await expect(fleet.runs.result(runId)).rejects.toThrow(/options\.budget\.maxCostUsd/);
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    // The first call was replayed from its record, not sent again; the third was never sent.
    expect(requestsOf(input)).toHaveLength(2);
    expect(fleet.counter.count(`start slow ${runId}:`)).toBe(2);
  });
});

// An agent priced by a pricer of its own (`prices: { name, price }`, which replaces gemloop's
// default pricing plugin) prices each step of a durable run with it, and a worker that takes the
// run over after a SIGKILL prices the replayed steps alike: a pricer is a function of the usage the
// durable client recorded with each call, so nothing else is recorded.
describe("a durable run priced by the agent's own pricer", () => {
  const CENT = {
    currency: 'USD',
    total: '0.01',
    input: '0.01',
    cachedInput: '0',
    output: '0',
    thinking: '0',
  };

  it('prices each step with it, and after a SIGKILL the worker that takes over prices alike', async () => {
    const { runId } = CRASHES.pricer;
    const victim = await victimOf(runId);

    const result = await fleet.runs.result(runId);
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(result.text).toBe('Order 7 shipped.');
    expect(result.steps.map((step) => step.cost)).toEqual([CENT, CENT, CENT]);
    expect(result.cost.total).toBe('0.03');
  });
});

// The agent's `cache` option (issue 53: the prompt cache is a plugin on the seam, with no hook
// `recorded` and no twin here): every model call of the run goes through the cache, and a worker
// that takes a run over after a SIGKILL makes its own cache and finishes the run through it. What
// a durable client records is the model call inside the plugin's `next`.
describe('the prompt cache in a durable run', () => {
  it('sends every model call of the run through the cache', async () => {
    const input = 'When is rent due? (plain)';
    const { runId } = await fleet.runs.start('cached', { runId: 'cache-plain', input });
    const result = await fleet.runs.result(runId);
    expect(result.text).toBe('Rent is due on the first.');
    expect(result.cache?.status).toBe('active');
    const calls = requestsOf(input).map((request) => request.body as Record<string, unknown>);
    expect(calls).toHaveLength(3);
    for (const body of calls) {
      expect(body['cachedContent']).toMatch(/^cachedContents\//);
      expect(body).not.toHaveProperty('systemInstruction');
      expect(body).not.toHaveProperty('tools');
    }
  });

  it('after a SIGKILL mid-run, the worker that takes over finishes through a cache of its own', async () => {
    const { runId, input } = CRASHES.cache;
    const victim = await victimOf(runId);
    const result = await fleet.runs.result(runId);
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(result.text).toBe('Rent is due on the first.');
    expect(result.steps).toHaveLength(3);
    // The two calls before the kill were recorded (not sent again); the one after went through
    // the cache the new worker made.
    const calls = requestsOf(input).map((request) => request.body as Record<string, unknown>);
    expect(calls).toHaveLength(3);
    for (const body of calls) {
      expect(body['cachedContent']).toMatch(/^cachedContents\//);
      expect(body).not.toHaveProperty('systemInstruction');
    }
  });
});

// The built-in fallback (worker.ts `searcher`): Gemini 2.x cannot send google_search next to
// function declarations, so the search runs as a function whose call is a grounded request of its
// own. Its sources must reach the result and the run's events, and a replay after a SIGKILL must
// not search again.
describe('the built-in fallback in a durable run', () => {
  it('makes the grounded call once, and a replay after a SIGKILL ends with the same answer and sources', async () => {
    const { runId, input } = CRASHES.searcher;
    const victim = await victimOf(runId);
    const result = await fleet.runs.result(runId);
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(result.text).toBe(SEARCH_ANSWER);
    // One grounded call, before the kill: the replay read its outcome from the run's record. (Only
    // this run makes grounded calls.)
    const sent = fleet.fake.modelRequests
      .filter((request) => isGrounded(request.body) || inputOf(request.body) === input)
      .map((request) => (isGrounded(request.body) ? 'grounded' : 'agent'));
    expect(sent).toEqual(['agent', 'grounded', 'agent', 'agent']);
    // Its sources reach the model (the function's output), the result and the run's events.
    const searched = result.steps[0]?.toolCalls[0];
    expect(searched?.toolName).toBe('google_search');
    expect(searched?.output).toEqual({
      answer: 'Sunny, 24 degrees.',
      sources: [{ title: 'Tokyo weather', uri: 'https://weather.example/tokyo' }],
      searchQueries: ['weather tokyo'],
    });
    const chunks = [{ web: { uri: SOURCES[0]?.uri, title: SOURCES[0]?.title } }];
    expect(searched?.grounding?.groundingChunks).toEqual(chunks);
    expect(result.grounding?.map((grounding) => grounding.groundingChunks)).toEqual([chunks]);
    const grounding: unknown[] = [];
    for await (const { event } of fleet.runs.events(runId)) {
      if (event.type === 'grounding') grounding.push(event);
    }
    expect(grounding).toEqual([
      expect.objectContaining({
        type: 'grounding',
        source: 'tool',
        stepNumber: 1,
        grounding: expect.objectContaining({ groundingChunks: chunks }),
      }),
    ]);
    // Run once: the worker that took over never searched.
    const searchedBy = fleet.fake.modelRequests
      .filter((request) => isGrounded(request.body))
      .map((request) => request.headers?.['x-test-worker']);
    expect(searchedBy).toEqual([victim.executorId]);
  }, 180_000);
});

// modelFallback: the fake answers 503 to gemini-3-flash-preview once the run sends function
// responses, and refuses a thought signature sent to a model that did not make it. The run falls
// back to gemini-3-pro-preview, its worker is killed in the tool that follows, and another worker
// finishes it on the second model without sending a completed model call again.
describe('modelFallback in a durable run', () => {
  it('falls back, survives a SIGKILL after the switch, and finishes on the second model', async () => {
    const { runId, input } = CRASHES.fallback;
    const victim = await victimOf(runId);

    const result = await fleet.runs.result(runId);
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(result.text).toBe('Order 7 shipped.');
    expect(result.steps.map((step) => step.model)).toEqual([undefined, SECOND, SECOND]);
    // Each step priced at the model that served it.
    expect(Number(result.steps[2]?.cost.total)).toBeGreaterThan(0);
    // The calls the fake saw: step 1 on the first model, its 503, then the second model for
    // steps 2 and 3; the worker that took over sent no completed call again.
    expect(requestsOf(input).map((request) => request.model)).toEqual([
      PRIMARY,
      PRIMARY,
      SECOND,
      SECOND,
    ]);
  });
});

// Issue 53 (letters46): Vertex's streamed function-call arguments (`streamFunctionCallArguments`):
// a durable model step records a stream's chunks as they came, the call's arguments in pieces, so
// the run assembles them from the record after a SIGKILL as it did when they arrived.
describe('streamed function-call arguments in a durable run', () => {
  it('assembles the pieces on the first run and again from the record after a SIGKILL', async () => {
    const { runId, input } = CRASHES.vertex;
    const victim = await victimOf(runId);
    const result = await fleet.runs.result(runId);

    expect(result.text).toBe('Order 7 shipped, no refund.');
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    // Three model calls in all: the two recorded before the kill were read from the record.
    const requests = requestsOf(input);
    expect(requests).toHaveLength(3);
    for (const request of requests) {
      // Vertex's route: only there does the fake (as Vertex) send a call's arguments in pieces.
      expect(request.url).toContain(
        '/projects/durable-project/locations/us-central1/publishers/google/models/gemini-3.1-pro-preview:streamGenerateContent',
      );
      expect((request.body as Body).toolConfig?.functionCallingConfig).toEqual({
        streamFunctionCallArguments: true,
      });
    }
    // The string argument came in pieces; the tools read it whole, before and after the kill.
    expect(
      result.steps.map((step) => step.toolCalls.map((call) => [call.toolName, call.args])),
    ).toEqual([
      [['lookup', { order: 'seven-of-nine' }]],
      [['slow', { order: 'seven-of-nine' }]],
      [],
    ]);
    expect(fleet.counter.count(`done lookup ${runId}:`)).toBe(1);
    expect(fleet.counter.count(`done slow ${runId}:`)).toBe(1);
    // The history holds each call whole, as the model's part the next request sent back.
    const calls = result.contents.flatMap((content) =>
      content.parts.flatMap((part) => (part.functionCall ? [part.functionCall] : [])),
    );
    expect(calls.map((call) => [call.name, call.args, 'partialArgs' in call])).toEqual([
      ['lookup', { order: 'seven-of-nine' }, false],
      ['slow', { order: 'seven-of-nine' }, false],
    ]);
    // The run's event stream: one whole tool-call per call.
    const seen: string[] = [];
    for await (const { event } of fleet.runs.events(runId)) {
      if (event.type === 'tool-call') seen.push(`${event.toolName} ${JSON.stringify(event.args)}`);
    }
    expect(seen).toEqual(['lookup {"order":"seven-of-nine"}', 'slow {"order":"seven-of-nine"}']);
  });
});

// Agent Skills: a skill is read through tool calls, each a durable step.
describe('Agent Skills in a durable run', () => {
  it('loads the skill and reads its file as durable tool steps, the body in the next request', async () => {
    const runId = 'skilled';
    const result = await fleet.runs.result(
      (await fleet.runs.start('skilled', { runId, input: 'Skill: where is order 7?' })).runId,
    );
    expect(result.text).toBe('Order 7 shipped.');
    expect(
      result.steps.map((step) => step.toolCalls.map((call) => `${call.toolName} ${call.outcome}`)),
    ).toEqual([['load_skill success'], ['read_skill_file success'], []]);
    const requests = fleet.fake.modelRequests.filter((request) =>
      inputOf(request.body).startsWith('Skill:'),
    );
    expect(requests).toHaveLength(3);
    // Before the pick the model sees the list only; after, the body, then the file.
    expect(JSON.stringify(requests[0]?.body)).toContain('- order-desk: Answers where an order is.');
    expect(JSON.stringify(requests[0]?.body)).not.toContain('then wait with slow');
    expect(JSON.stringify(requests[1]?.body)).toContain('then wait with slow');
    expect(JSON.stringify(requests[2]?.body)).toContain('Say \\"shipped\\" plainly.');
    const seen: string[] = [];
    for await (const { event } of fleet.runs.events(runId)) {
      if (event.type === 'tool-result') seen.push(event.toolCall.toolName);
    }
    expect(seen).toEqual(['load_skill', 'read_skill_file']);
  });
});
