// runEval({ mode: 'batch' }): the cases as runs of one Batch API job against the fake (which
// serves batches), the tools run between rounds, scored like live runs, at the batch price.
import { createGemini, defineTool, jsonSchema } from '@gemloop/core';
import { createBatchRuns } from '@gemloop/core/batch';
import { costOf } from '@gemloop/core/models';
import { createFakeGemini, type FakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { EvalCase } from './eval-case.ts';
import type { EvalEvent } from './eval-event.ts';
import { runEval } from './run-eval.ts';
import { exactMatch } from './scorers/text-scorers.ts';
import { toolTrajectory } from './scorers/tool-scorers.ts';

let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

// Asks the weather of the city in the prompt, then answers from the tool's result.
const script: FakeScriptFunction = (_request, { lastUserText, functionResponses }) => {
  const city = /Paris|Oslo/.exec(lastUserText ?? '')?.[0] ?? 'Paris';
  const weather = functionResponses.at(-1)?.response;
  if (weather === undefined) return turn.call('get_weather', { city });
  return turn.text(`${city}: ${String(weather['sky'])}.`);
};

const getWeather = defineTool({
  name: 'get_weather',
  description: 'The weather in a city.',
  parameters: jsonSchema<{ city: string }>({
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  }),
  execute: ({ city }) => ({ city, sky: city === 'Oslo' ? 'snow' : 'clear' }),
});

const cases: EvalCase[] = [
  {
    id: 'paris',
    input: 'Weather in Paris?',
    expected: {
      text: 'Paris: clear.',
      toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }],
    },
  },
  { id: 'oslo', input: 'Weather in Oslo?', expected: { text: 'Oslo: sunny.' } },
  { id: 'talk', conversation: ['Hi', 'Weather in Paris?'] },
];

describe("runEval({ mode: 'batch' })", () => {
  it('runs the cases as one batch job, round by round, and scores them at the batch price', async () => {
    fake = createFakeGemini({ script });
    const { url } = await fake.listen();
    const events: EvalEvent[] = [];
    const result = await runEval({
      mode: 'batch',
      cases,
      scorers: [exactMatch(), toolTrajectory({ match: 'exact', args: 'exact' })],
      live: { gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) },
      batch: { model: 'gemini-2.5-flash', tools: [getWeather], pollIntervalMs: 1 },
      onEvent: (event) => events.push(event),
    });
    expect(result.mode).toBe('batch');
    expect(result.attempts.map((attempt) => [attempt.caseId, attempt.status])).toEqual([
      ['paris', 'pass'],
      ['oslo', 'fail'],
      ['talk', 'error'],
    ]);
    expect(result.attempts[1]?.text).toBe('Oslo: snow.');
    expect(result.attempts[2]?.error?.message).toContain('batch mode runs single-input cases');
    // Two rounds (the call, then the answer), each one batch of both runs; no interactive call.
    const paths = fake.requests.map((request) => request.url.split('?')[0] as string);
    expect(paths.filter((path) => path.endsWith(':batchGenerateContent'))).toHaveLength(2);
    expect(paths.filter((path) => path.endsWith(':generateContent'))).toEqual([]);
    const paris = result.attempts[0];
    expect(paris?.totalTokens).toBeGreaterThan(0);
    // The same run on its own, priced by hand: the attempt's cost is the batch tier's, not standard.
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const alone = createBatchRuns({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [getWeather],
      pollIntervalMs: 1,
    });
    const [run] = (await alone.run(alone.start(['Weather in Paris?']))).runs;
    const usage = run?.usage ?? {
      promptTokenCount: 0,
      candidatesTokenCount: 0,
      totalTokenCount: 0,
    };
    const tokens = {
      promptTokenCount: usage.promptTokenCount,
      candidatesTokenCount: usage.candidatesTokenCount,
      thoughtsTokenCount:
        usage.totalTokenCount - usage.promptTokenCount - usage.candidatesTokenCount,
    };
    expect(paris?.totalTokens).toBe(usage.totalTokenCount);
    expect(paris?.costUsd).toBe(costOf(tokens, 'gemini-2.5-flash', 'batch').total);
    expect(paris?.costUsd).not.toBe(costOf(tokens, 'gemini-2.5-flash').total);
    expect(events.filter((event) => event.type === 'case-end')).toHaveLength(3);
  });

  it('a job the API refuses makes every attempt an error, and batch mode needs its agent', async () => {
    fake = createFakeGemini({ script });
    const served = fake;
    // The Batch API's quota is spent: creating the job answers 429 RESOURCE_EXHAUSTED.
    const refusing: typeof globalThis.fetch = async (input, init) =>
      String(input instanceof Request ? input.url : input).includes(':batchGenerateContent')
        ? new Response(
            JSON.stringify({
              error: {
                code: 429,
                message: 'Resource has been exhausted.',
                status: 'RESOURCE_EXHAUSTED',
              },
            }),
            { status: 429, headers: { 'content-type': 'application/json' } },
          )
        : served.fetch(input, init);
    const result = await runEval({
      mode: 'batch',
      cases: cases.slice(0, 2),
      scorers: [exactMatch()],
      live: { gemini: createGemini({ apiKey: 'test-key', fetch: refusing, retry: false }) },
      batch: { model: 'gemini-2.5-flash', tools: [getWeather], pollIntervalMs: 1 },
    });
    expect(result.attempts.map((attempt) => attempt.error?.kind)).toEqual([
      'rate-limited',
      'rate-limited',
    ]);
    await expect(runEval({ mode: 'batch', cases, scorers: [] })).rejects.toThrow(
      /mode 'batch' needs batch/,
    );
  });

  it('a scorer that hangs ends at the time limit as a timeout, and runEval returns', async () => {
    fake = createFakeGemini({ script: () => turn.text('hi') });
    const { url } = await fake.listen();
    const result = await runEval({
      mode: 'batch',
      // Whether the job or the scorer is still going when it passes, the attempt is a timeout.
      timeoutMs: 200,
      cases: [{ id: 'a', input: 'x' }],
      scorers: [{ name: 'hangs', score: () => new Promise(() => {}) }],
      live: { gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) },
      batch: { model: 'gemini-2.5-flash', pollIntervalMs: 1 },
    });
    expect(result.attempts[0]).toMatchObject({ status: 'error', error: { kind: 'timeout' } });
  });
});
