import { createFakeGemini, type FakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createBatches } from '../http/batches/create-batches.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createFiles } from '../http/files/create-files.ts';
import type { CreateGeminiOptions } from '../http/gemini.ts';
import { costOf } from '../pricing/cost-of.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { BatchRunsState } from './batch-runs.ts';
import { createBatchRuns } from './create-batch-runs.ts';

/** A client with its Files and Batch APIs at hand, as an app that imports them holds them. */
function connect(options: CreateGeminiOptions) {
  const gemini = createGemini(options);
  return Object.assign(gemini, { files: createFiles(gemini), batches: createBatches(gemini) });
}

let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

// Each run asks the weather of the cities in its prompt, one call per round, then answers.
const script: FakeScriptFunction = (
  _request,
  { lastUserText, functionResponses, functionDeclarations },
) => {
  expect(functionDeclarations.map((declaration) => declaration.name)).toEqual(['get_weather']);
  const cities = (lastUserText ?? '').split(',').filter(Boolean);
  const asked =
    functionResponses.length === 0 ? 0 : Number(functionResponses.at(-1)?.response?.['asked']);
  if (asked < cities.length)
    return turn.call('get_weather', { city: cities[asked], asked: asked + 1 });
  return turn.text(`done after ${asked}`);
};

const calls: string[] = [];
const getWeather = defineTool({
  name: 'get_weather',
  description: 'The weather of a city.',
  parameters: z.object({ city: z.string(), asked: z.number() }),
  execute: ({ city, asked }) => {
    calls.push(city);
    return { city, sky: 'clear', asked };
  },
});

async function start() {
  calls.length = 0;
  fake = createFakeGemini({ script });
  const { url } = await fake.listen();
  return connect({ baseUrl: url, apiKey: 'test-key', retry: false });
}

const batchCreates = (target: FakeGemini) =>
  target.requests
    .filter((request) => request.url.includes(':batchGenerateContent'))
    .map((request) =>
      (
        request.body as {
          batch: { inputConfig: { requests: { requests: Array<{ metadata: { key: string } }> } } };
        }
      ).batch.inputConfig.requests.requests.map((line) => line.metadata.key),
    );

describe('createBatchRuns', () => {
  it('runs each round of every running run as one batch line, with the tools between rounds', async () => {
    const gemini = await start();
    const runs = createBatchRuns({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [getWeather],
      pollIntervalMs: 0,
    });
    const saved: string[] = [];
    const done = await runs.run(runs.start(['Paris,Rome', 'Oslo', '']), {
      onState: (state) => {
        saved.push(JSON.stringify(state));
      },
    });
    expect(done.runs.map((run) => [run.key, run.status, run.text, run.steps])).toEqual([
      ['run-0', 'done', 'done after 2', 3],
      ['run-1', 'done', 'done after 1', 2],
      ['run-2', 'done', 'done after 0', 1],
    ]);
    // Round 1 holds every run, then only those still calling tools.
    expect(batchCreates(fake as FakeGemini)).toEqual([
      ['run-0', 'run-1', 'run-2'],
      ['run-0', 'run-1'],
      ['run-0'],
    ]);
    expect(calls.sort()).toEqual(['Oslo', 'Paris', 'Rome']);
    expect(done.runs[0]?.contents.map((content) => content.role)).toEqual([
      'user',
      'model',
      'user',
      'model',
      'user',
      'model',
    ]);
    expect(done.runs[0]?.usage.totalTokenCount).toBeGreaterThan(0);
    // Submit and collect alternate: 3 rounds, 6 saved states, all plain JSON.
    expect(saved).toHaveLength(6);
  });

  it('resumes from a saved state in another runner: a pending round is waited for, not sent again', async () => {
    const gemini = await start();
    const first = createBatchRuns({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [getWeather],
      pollIntervalMs: 0,
    });
    const submitted = await first.step(first.start(['Paris', 'Oslo']));
    expect(submitted.pending?.keys).toEqual(['run-0', 'run-1']);
    const saved = JSON.stringify(submitted);
    // A new process: a new client and runner, the state read back.
    const second = createBatchRuns({
      gemini: connect({ baseUrl: gemini.baseUrl, apiKey: 'test-key', retry: false }),
      model: 'gemini-2.5-flash',
      tools: [getWeather],
      pollIntervalMs: 0,
    });
    const done = await second.run(JSON.parse(saved) as BatchRunsState);
    expect(done.runs.map((run) => run.status)).toEqual(['done', 'done']);
    expect(batchCreates(fake as FakeGemini)).toEqual([
      ['run-0', 'run-1'],
      ['run-0', 'run-1'],
    ]);
    // The given state was not changed by the steps.
    expect(JSON.stringify(submitted)).toBe(saved);
  });

  it('fails a run that still calls tools after maxSteps, and a run whose line failed, keeping the others', async () => {
    const gemini = await start();
    const runs = createBatchRuns({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [getWeather],
      maxSteps: 1,
      pollIntervalMs: 0,
    });
    const done = await runs.run(runs.start(['Paris', '']));
    expect(done.runs.map((run) => [run.status, run.error])).toEqual([
      ['failed', 'still calling tools after maxSteps (1) rounds'],
      ['done', undefined],
    ]);
  });

  it('answers a call whose argument check throws with an error, as the agent does, and goes on', async () => {
    // A transform that throws on what the model sent (JSON.parse of a non-JSON string): the agent
    // tells the model its arguments could not be checked. Here it rejected the whole step, for
    // every run of the round, and every later step from the saved state threw the same error.
    const parseJson = defineTool({
      name: 'parse_json',
      description: 'Reads a JSON text.',
      parameters: z.object({ text: z.string().transform((text) => JSON.parse(text) as unknown) }),
      execute: ({ text }) => ({ parsed: text }),
    });
    fake = createFakeGemini({
      script: (_request, { lastUserText, functionResponses }) =>
        functionResponses.length === 0
          ? turn.call('parse_json', { text: lastUserText ?? '' })
          : turn.text(JSON.stringify(functionResponses.at(-1)?.response)),
    });
    const { url } = await fake.listen();
    const gemini = connect({ baseUrl: url, apiKey: 'test-key', retry: false });
    const runs = createBatchRuns({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [parseJson],
      pollIntervalMs: 0,
    });
    const done = await runs.run(runs.start(['not json', '[1]']));
    expect(done.runs.map((run) => run.status)).toEqual(['done', 'done']);
    expect(done.runs[0]?.text).toContain('could not be checked');
    expect(done.runs[1]?.text).toBe('{"parsed":[1]}');
  });

  it('fails a run whose results line is not a response, and sums only sane token counts', async () => {
    const lines = (keys: string[]) =>
      [
        { candidates: [{ content: { parts: 'abc' } }] },
        { candidates: [{ content: null }] },
        {
          candidates: [{ content: { role: 'model', parts: [{ text: 'ok', functionCall: null }] } }],
          usageMetadata: {
            promptTokenCount: '100',
            candidatesTokenCount: -5,
            thoughtsTokenCount: 40,
            totalTokenCount: 7,
          },
        },
      ]
        .map((response, index) => JSON.stringify({ key: keys[index], response }))
        .join('\n');
    let keys: string[] = [];
    const gemini = connect({
      apiKey: 'k',
      baseUrl: 'https://gateway.test',
      retry: false,
      fetch: async (input, init) => {
        const url = String(input);
        if (url.includes(':batchGenerateContent')) {
          const body = JSON.parse(String(init?.body)) as {
            batch: {
              inputConfig: { requests: { requests: Array<{ metadata: { key: string } }> } };
            };
          };
          keys = body.batch.inputConfig.requests.requests.map((line) => line.metadata.key);
          return Response.json({ name: 'batches/b' });
        }
        if (url.includes(':download')) return new Response(lines(keys));
        return Response.json({
          name: 'batches/b',
          metadata: { state: 'BATCH_STATE_SUCCEEDED', output: { responsesFile: 'files/r' } },
        });
      },
    });
    const runs = createBatchRuns({ gemini, model: 'gemini-2.5-flash', pollIntervalMs: 0 });
    const done = await runs.run(runs.start(['a', 'b', 'c']));
    expect(done.runs.map((run) => [run.status, run.error, run.text])).toEqual([
      [
        'failed',
        "line 1 of the batch's results is not a GenerateContentResponse: `response.candidates[0].content.parts` must be an array, got string",
        undefined,
      ],
      ['failed', 'the model gave no content (no candidate)', undefined],
      ['done', undefined, 'ok'],
    ]);
    expect(done.runs[2]?.usage).toEqual({
      promptTokenCount: 100,
      candidatesTokenCount: 0,
      thoughtsTokenCount: 40,
      toolUsePromptTokenCount: 0,
      cachedContentTokenCount: 0,
      totalTokenCount: 7,
    });
    // Thinking is billed as output: the usage prices what the batch billed.
    expect(costOf(done.runs[2]?.usage ?? {}, 'gemini-2.5-flash', 'batch').thinking).not.toBe('0');
  });
});

describe('createBatchRuns with wait: false', () => {
  it('reads a pending batch once per step and returns the state unchanged until it is done', async () => {
    const gemini = await start();
    const runs = createBatchRuns({ gemini, model: 'gemini-2.5-flash', tools: [getWeather] });
    let state = await runs.step(runs.start(['Oslo']), { wait: false });
    const submitted = JSON.stringify(state);
    const polled: string[] = [];
    // The fake answers PENDING, then RUNNING, then SUCCEEDED, one get each.
    for (let step = 0; step < 2; step++) {
      state = await runs.step(state, { wait: false });
      polled.push(JSON.stringify(state) === submitted ? 'unchanged' : 'collected');
    }
    state = await runs.step(state, { wait: false });
    polled.push(JSON.stringify(state) === submitted ? 'unchanged' : 'collected');
    expect(polled).toEqual(['unchanged', 'unchanged', 'collected']);
    expect(state.pending).toBeUndefined();
    expect(state.runs[0]?.contents.map((content) => content.role)).toEqual([
      'user',
      'model',
      'user',
    ]);
    const gets = (fake as FakeGemini).requests.filter(
      (request) => request.method === 'batches.get',
    );
    expect(gets).toHaveLength(3);
  });
});

/**
 * A gateway double of the Batch API: `jobs` says what each get of a batch answers (the last entry
 * repeated), and a succeeded job answers every line with `text`. Counts the creates.
 */
function gateway(states: Array<{ state: string; error?: { code: number; message: string } }>) {
  const seen = { creates: [] as string[][], gets: 0 };
  let keys: string[] = [];
  const gemini = connect({
    apiKey: 'k',
    baseUrl: 'https://gateway.test',
    retry: false,
    fetch: async (input, init) => {
      const url = String(input);
      if (url.includes(':batchGenerateContent')) {
        const body = JSON.parse(String(init?.body)) as {
          batch: { inputConfig: { requests: { requests: Array<{ metadata: { key: string } }> } } };
        };
        keys = body.batch.inputConfig.requests.requests.map((line) => line.metadata.key);
        seen.creates.push(keys);
        return Response.json({
          name: `batches/b${seen.creates.length}`,
          metadata: { state: 'BATCH_STATE_PENDING' },
        });
      }
      const name = /batches\/[^/?:]+/.exec(url)?.[0];
      const job = states[Math.min(seen.gets, states.length - 1)] as (typeof states)[number];
      seen.gets++;
      const terminal = job.state !== 'BATCH_STATE_PENDING' && job.state !== 'BATCH_STATE_RUNNING';
      const output =
        job.state === 'BATCH_STATE_SUCCEEDED'
          ? {
              inlinedResponses: {
                inlinedResponses: keys.map((key) => ({
                  metadata: { key },
                  response: {
                    candidates: [{ content: { role: 'model', parts: [{ text: key }] } }],
                  },
                })),
              },
            }
          : undefined;
      return Response.json({
        name,
        ...(terminal ? { done: true } : {}),
        ...(job.error === undefined ? {} : { error: job.error }),
        metadata: { state: job.state, ...(output === undefined ? {} : { output }) },
      });
    },
  });
  return { gemini, seen };
}

describe('createBatchRuns when a round’s batch job ends without answers', () => {
  it.each([
    ['BATCH_STATE_FAILED', { code: 13, message: 'Internal error while running the batch.' }],
    ['BATCH_STATE_EXPIRED', undefined],
  ])(
    'fails the runs of a %s round with its data, saves that, and does not send it again',
    async (jobState, jobError) => {
      const { gemini, seen } = gateway([
        { state: jobState, ...(jobError === undefined ? {} : { error: jobError }) },
      ]);
      const runs = createBatchRuns({ gemini, model: 'gemini-2.5-flash', pollIntervalMs: 0 });
      const saved: BatchRunsState[] = [];
      const done = await runs.run(runs.start(['a', 'b']), {
        onState: (state) => {
          saved.push(JSON.parse(JSON.stringify(state)) as BatchRunsState);
        },
      });
      expect(done.pending).toBeUndefined();
      expect(runs.isDone(done)).toBe(true);
      expect(saved.at(-1)).toEqual(done);
      expect(seen.creates).toEqual([['run-0', 'run-1']]);
      for (const run of done.runs) {
        expect(run).toMatchObject({
          status: 'failed',
          steps: 0,
          contents: [{ role: 'user' }],
          batchJob: {
            batchName: 'batches/b1',
            state: jobState,
            ...(jobError === undefined ? {} : { error: jobError }),
          },
        });
        expect(run.error).toContain(`The batch batches/b1 ended in ${jobState}`);
        expect(run.error).toContain('runs.retry(state)');
        if (jobError !== undefined) expect(run.error).toContain(jobError.message);
      }
      // The saved state resumes as a finished job: nothing is sent or read again.
      const gets = seen.gets;
      expect(await runs.run(JSON.parse(JSON.stringify(done)) as BatchRunsState)).toEqual(done);
      expect([seen.creates.length, seen.gets]).toEqual([1, gets]);
    },
  );

  it('fails the runs of a cancelled round, keeping the runs an earlier round finished', async () => {
    const gemini = await start();
    const runs = createBatchRuns({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [getWeather],
      pollIntervalMs: 0,
    });
    // Round 1: '' answers at once, 'Paris' calls the tool; round 2 is cancelled.
    let state = await runs.step(await runs.step(runs.start(['Paris', ''])));
    state = await runs.step(state);
    expect(state.pending?.keys).toEqual(['run-0']);
    await gemini.batches.cancel(state.pending?.batchName as string);
    const done = await runs.run(state);
    expect(done.runs.map((run) => [run.status, run.steps, run.batchJob?.state])).toEqual([
      ['failed', 1, 'BATCH_STATE_CANCELLED'],
      ['done', 1, undefined],
    ]);
    // The failed run keeps its history (the tool's answer last), ready for a retry.
    expect(done.runs[0]?.contents.map((content) => content.role)).toEqual([
      'user',
      'model',
      'user',
    ]);
    expect(done.runs[0]?.error).toContain('BATCH_STATE_CANCELLED');
    expect(batchCreates(fake as FakeGemini)).toEqual([['run-0', 'run-1'], ['run-0']]);
  });

  it('resumes a saved state whose pending job failed since: its runs fail, nothing is sent again', async () => {
    const { gemini, seen } = gateway([
      { state: 'BATCH_STATE_PENDING' },
      { state: 'BATCH_STATE_FAILED', error: { code: 8, message: 'Quota exceeded.' } },
    ]);
    const first = createBatchRuns({ gemini, model: 'gemini-2.5-flash', pollIntervalMs: 0 });
    const saved = JSON.stringify(await first.step(first.start(['a'])));
    // A new process, a new runner, the state read back.
    const second = createBatchRuns({ gemini, model: 'gemini-2.5-flash', pollIntervalMs: 0 });
    let onState: BatchRunsState | undefined;
    const done = await second.run(JSON.parse(saved) as BatchRunsState, {
      onState: (state) => {
        onState = state;
      },
    });
    expect(done.runs.map((run) => [run.status, run.batchJob])).toEqual([
      [
        'failed',
        {
          batchName: 'batches/b1',
          state: 'BATCH_STATE_FAILED',
          error: { code: 8, message: 'Quota exceeded.' },
        },
      ],
    ]);
    expect(onState).toEqual(done);
    expect(seen.creates).toHaveLength(1);
  });

  it('with wait: false, a poll that finds the job failed fails its runs', async () => {
    const { gemini, seen } = gateway([
      { state: 'BATCH_STATE_RUNNING' },
      { state: 'BATCH_STATE_FAILED', error: { code: 13, message: 'boom' } },
    ]);
    const runs = createBatchRuns({ gemini, model: 'gemini-2.5-flash' });
    const submitted = await runs.step(runs.start(['a', 'b']), { wait: false });
    const polled = await runs.step(submitted, { wait: false });
    expect(polled).toEqual(submitted);
    const failed = await runs.step(polled, { wait: false });
    expect(failed.pending).toBeUndefined();
    expect(failed.runs.map((run) => run.status)).toEqual(['failed', 'failed']);
    expect(runs.isDone(failed)).toBe(true);
    expect(seen.gets).toBe(2);
  });

  it('retry sends failed runs again in a new round, their history kept', async () => {
    const { gemini, seen } = gateway([
      { state: 'BATCH_STATE_EXPIRED' },
      { state: 'BATCH_STATE_SUCCEEDED' },
    ]);
    const runs = createBatchRuns({ gemini, model: 'gemini-2.5-flash', pollIntervalMs: 0 });
    const failed = await runs.run(runs.start(['a', 'b']));
    const again = runs.retry(failed, { keys: ['run-1'] });
    expect(again.runs.map((run) => [run.status, run.error, run.batchJob])).toEqual([
      ['failed', failed.runs[0]?.error, failed.runs[0]?.batchJob],
      ['running', undefined, undefined],
    ]);
    // The given state is not changed.
    expect(failed.runs[1]?.status).toBe('failed');
    const done = await runs.run(runs.retry(again));
    expect(done.runs.map((run) => [run.status, run.text, run.steps])).toEqual([
      ['done', 'run-0', 1],
      ['done', 'run-1', 1],
    ]);
    expect(seen.creates).toEqual([
      ['run-0', 'run-1'],
      ['run-0', 'run-1'],
    ]);
  });

  it('retry refuses a key that is not a failed run', async () => {
    const gemini = await start();
    const runs = createBatchRuns({ gemini, model: 'gemini-2.5-flash' });
    const state = runs.start(['a']);
    expect(() => runs.retry(state, { keys: ['run-0'] })).toThrow(/run-0 is running/);
    expect(() => runs.retry(state, { keys: ['run-9'] })).toThrow(/no run "run-9"/);
  });
});

describe('createBatchRuns when a succeeded job’s responses file is gone', () => {
  it('fails the round’s runs with the file named, instead of throwing on every step', async () => {
    let downloads = 0;
    let creates = 0;
    const gemini = connect({
      apiKey: 'k',
      baseUrl: 'https://gateway.test',
      retry: false,
      fetch: async (input) => {
        const url = String(input);
        if (url.includes(':batchGenerateContent')) {
          creates++;
          return Response.json({ name: 'batches/b' });
        }
        if (url.includes(':download')) {
          downloads++;
          return Response.json(
            { error: { code: 404, message: 'File not found.', status: 'NOT_FOUND' } },
            { status: 404 },
          );
        }
        return Response.json({
          name: 'batches/b',
          metadata: { state: 'BATCH_STATE_SUCCEEDED', output: { responsesFile: 'files/r' } },
        });
      },
    });
    const states: BatchRunsState[] = [];
    const runs = createBatchRuns({ gemini, model: 'gemini-2.5-flash', pollIntervalMs: 0 });
    const done = await runs.run(runs.start(['a', 'b']), {
      onState: (state) => {
        states.push(state);
      },
    });
    expect(runs.isDone(done)).toBe(true);
    expect(done.pending).toBeUndefined();
    for (const run of done.runs) {
      expect(run.status).toBe('failed');
      expect(run.contents).toHaveLength(1);
      expect(run.error).toContain('batches/b succeeded, but its responses file files/r');
      expect(run.error).toContain('runs.retry(state)');
      expect(run.batchJob).toMatchObject({
        batchName: 'batches/b',
        state: 'BATCH_STATE_SUCCEEDED',
        error: { code: 404 },
      });
    }
    expect(states.at(-1)).toEqual(done);
    // Going on from the saved state reads and sends nothing more.
    await runs.run(JSON.parse(JSON.stringify(done)) as BatchRunsState);
    expect([creates, downloads]).toEqual([1, 1]);
  });
});

describe('createBatchRuns with a results file that answers a run twice', () => {
  it('fails that run rather than keeping whichever line came last, and keeps the others', async () => {
    const answer = (key: string, text: string) =>
      JSON.stringify({
        key,
        response: { candidates: [{ content: { role: 'model', parts: [{ text }] } }] },
      });
    const gemini = connect({
      apiKey: 'k',
      baseUrl: 'https://gateway.test',
      retry: false,
      fetch: async (input) => {
        const url = String(input);
        if (url.includes(':batchGenerateContent')) return Response.json({ name: 'batches/b' });
        if (url.includes(':download')) {
          return new Response(
            [answer('run-0', 'first'), answer('run-1', 'only'), answer('run-0', 'second')].join(
              '\n',
            ),
          );
        }
        return Response.json({
          name: 'batches/b',
          metadata: { state: 'BATCH_STATE_SUCCEEDED', output: { responsesFile: 'files/r' } },
        });
      },
    });
    const runs = createBatchRuns({ gemini, model: 'gemini-2.5-flash', pollIntervalMs: 0 });
    const done = await runs.run(runs.start(['a', 'b']));
    expect(done.runs.map((run) => [run.status, run.text, run.contents.length])).toEqual([
      ['failed', undefined, 1],
      ['done', 'only', 2],
    ]);
    expect(done.runs[0]?.error).toBe(
      'the batch gave 2 answers for this run (key run-0), so none is kept: which one is the model turn is not known',
    );
  });
});
