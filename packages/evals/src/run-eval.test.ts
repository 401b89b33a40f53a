import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordWeatherRun, weatherAgent } from './__fixtures__/weather-agent.ts';
import { caseFromRunFile } from './cases-from-run.ts';
import type { EvalCase } from './eval-case.ts';
import { runEval } from './run-eval.ts';
import { defineScorer, type Scorer } from './scorer.ts';
import { exactMatch } from './scorers/text-scorers.ts';
import { grounded, toolTrajectory } from './scorers/tool-scorers.ts';

let recorded: Awaited<ReturnType<typeof recordWeatherRun>>;
let evalCase: EvalCase;

beforeAll(async () => {
  recorded = await recordWeatherRun();
  const made = caseFromRunFile(recorded.text, recorded.file);
  if (made === undefined) throw new Error('the recorded run made no case');
  evalCase = made;
});
afterAll(() => recorded.cleanup());

const scorers = [exactMatch(), toolTrajectory({ match: 'exact', args: 'exact' }), grounded()];

describe('caseFromRunFile', () => {
  it('turns a recorded run into a case with its model turns, requests and tool results as fixtures', () => {
    expect(evalCase.input).toBe('Weather in Paris?');
    expect(evalCase.expected).toEqual({
      text: 'It is 18 °C in Paris.',
      toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }],
    });
    expect(evalCase.fixtures?.modelResponses).toHaveLength(2);
    expect(evalCase.fixtures?.requests).toHaveLength(2);
    expect(evalCase.fixtures?.toolResults).toEqual([
      { name: 'get_weather', args: { city: 'Paris' }, output: { city: 'Paris', temperatureC: 18 } },
    ]);
    expect(evalCase.runFile).toBe(recorded.file);
  });

  it('skips a run that failed, and lines a crash cut', () => {
    const failed = recorded.text.replace(
      '"type":"run-end","outcome":"success"',
      '"type":"run-end","outcome":"error"',
    );
    expect(failed).not.toBe(recorded.text);
    expect(caseFromRunFile(failed, 'x.jsonl')).toBeUndefined();
    const cut = `${recorded.text}{"type":"run-e`;
    expect(caseFromRunFile(cut, 'x.jsonl')?.id).toBe(evalCase.id);
  });
});

describe('runEval in replay', () => {
  it('passes the unchanged agent, its tool replayed from the recording', async () => {
    let liveToolRuns = 0;
    const result = await runEval({
      cases: [evalCase],
      scorers,
      createAgent: ({ gemini, recordedToolOutput }) =>
        weatherAgent(
          gemini,
          {},
          {
            recordedToolOutput: (name, args) => {
              const found = recordedToolOutput(name, args);
              if (!found.found) liveToolRuns++;
              return found;
            },
          },
        ),
    });
    expect(result.attempts[0]).toMatchObject({
      caseId: evalCase.id,
      status: 'pass',
      text: 'It is 18 °C in Paris.',
    });
    expect(result.attempts[0]?.drift).toBeUndefined();
    expect(result.attempts[0]?.scores.map((s) => [s.scorer, s.pass])).toEqual([
      ['exact', true],
      ['tool-trajectory(exact)', true],
      ['grounded', true],
    ]);
    expect(liveToolRuns).toBe(0);
    expect(result.summary).toMatchObject({ attempts: 1, passed: 1, passRate: 1 });
    expect(result.summary.totalTokens).toBeGreaterThan(0);
  });

  it('replays a streamed run the same, and runs repeats concurrently', async () => {
    const result = await runEval({
      cases: [evalCase],
      scorers,
      streaming: true,
      repeats: 3,
      concurrency: 3,
      createAgent: ({ gemini, recordedToolOutput }) =>
        weatherAgent(gemini, {}, { recordedToolOutput }),
    });
    expect(result.attempts.map((attempt) => [attempt.repeat, attempt.status])).toEqual([
      [0, 'pass'],
      [1, 'pass'],
      [2, 'pass'],
    ]);
  });

  it('flags a changed system prompt as drift, a failure', async () => {
    const result = await runEval({
      cases: [evalCase],
      scorers,
      createAgent: ({ gemini, recordedToolOutput }) =>
        weatherAgent(
          gemini,
          { instructions: 'You answer weather questions briefly.' },
          { recordedToolOutput },
        ),
    });
    expect(result.attempts[0]?.status).toBe('drift');
    expect(result.attempts[0]?.drift).toMatchObject({ call: 0 });
    expect(result.attempts[0]?.drift?.reason).toContain('system prompt');
    expect(result.summary.passRate).toBe(0);
  });

  it('flags a changed tool list and a changed tool result as drift', async () => {
    const tools = await runEval({
      cases: [evalCase],
      scorers,
      createAgent: ({ gemini, recordedToolOutput }) =>
        weatherAgent(gemini, { toolDescription: 'Weather now.' }, { recordedToolOutput }),
    });
    expect(tools.attempts[0]?.drift?.reason).toContain('tool list');
    const output = await runEval({
      cases: [evalCase],
      scorers,
      // Runs the tool live, and it answers otherwise than recorded.
      createAgent: ({ gemini }) => weatherAgent(gemini, { liveTemperature: 25 }),
    });
    expect(output.attempts[0]).toMatchObject({ status: 'drift', drift: { call: 1 } });
    expect(output.attempts[0]?.drift?.reason).toContain('tool call or result');
  });

  it('reports a case that throws, and goes on with the others', async () => {
    const other: EvalCase = { ...evalCase, id: 'other' };
    const result = await runEval({
      cases: [evalCase, other],
      scorers,
      concurrency: 1,
      createAgent: ({ gemini, evalCase: current, recordedToolOutput }) => {
        if (current.id === 'other') throw new TypeError('factory broke');
        return weatherAgent(gemini, {}, { recordedToolOutput });
      },
    });
    expect(result.attempts.map((a) => a.status)).toEqual(['pass', 'error']);
    expect(result.attempts[1]?.error).toEqual({
      kind: 'threw',
      name: 'TypeError',
      message: 'factory broke',
    });
  });

  it('a scorer that returns no usable verdict makes an error attempt, never a pass', async () => {
    const verdicts: unknown[] = [
      { scorer: 'bad', score: Number.NaN, pass: true, reason: 'divided by zero' },
      { scorer: 'bad', score: Number.POSITIVE_INFINITY, pass: true, reason: 'r' },
      { scorer: 'bad', score: 0.5, reason: 'no pass' },
      0.5,
    ];
    const result = await runEval({
      cases: verdicts.map((_, index) => ({ ...evalCase, id: `case-${index}` })),
      scorers: [
        {
          name: 'bad',
          score: ({ evalCase: current }) =>
            verdicts[Number(current.id.slice(5))] as ReturnType<Scorer['score']>,
        },
      ],
      createAgent: ({ gemini, recordedToolOutput }) =>
        weatherAgent(gemini, {}, { recordedToolOutput }),
    });
    expect(result.attempts.map((a) => a.status)).toEqual(['error', 'error', 'error', 'error']);
    expect(result.attempts.map((a) => a.error?.message)).toEqual([
      expect.stringMatching(/^scorer 'bad' returned score NaN, not a finite number from 0 to 1/),
      expect.stringMatching(/score Infinity/),
      expect.stringMatching(/pass undefined, not a boolean/),
      expect.stringMatching(/a number instead of \{ scorer, score, pass, reason \}/),
    ]);
    // Out of range but finite: clamped, as defineScorer does.
    const clamped = await runEval({
      cases: [evalCase],
      scorers: [
        { name: 'wide', score: () => ({ scorer: 'wide', score: 7, pass: true, reason: '' }) },
      ],
      createAgent: ({ gemini, recordedToolOutput }) =>
        weatherAgent(gemini, {}, { recordedToolOutput }),
    });
    expect(clamped.attempts[0]?.scores[0]?.score).toBe(1);
  });

  it('a scorer that throws what String() cannot print is an error attempt, not a crash', async () => {
    const message = new Error('x');
    (message as { message: unknown }).message = { detail: 1 };
    for (const thrown of [Object.create(null), message]) {
      const result = await runEval({
        cases: [evalCase],
        scorers: [
          {
            name: 'throws',
            score: () => {
              throw thrown;
            },
          },
        ],
        createAgent: ({ gemini, recordedToolOutput }) =>
          weatherAgent(gemini, {}, { recordedToolOutput }),
      });
      expect(result.attempts[0]).toMatchObject({ status: 'error', error: { kind: 'threw' } });
    }
  });

  it('times a hung case out and aborts its run', async () => {
    const result = await runEval({
      cases: [evalCase],
      scorers,
      timeoutMs: 50,
      createAgent: ({ gemini }) => weatherAgent(gemini, { hang: true }),
    });
    expect(result.attempts[0]).toMatchObject({
      status: 'error',
      error: { kind: 'timeout', name: 'TimeoutError' },
    });
  });

  it('a time limit past the longest timer (or Infinity) is no limit, not a limit of 1 ms', async () => {
    // Node runs a timer past 2^31 - 1 ms after 1 ms: every attempt slower than that timed out.
    for (const timeoutMs of [Number.POSITIVE_INFINITY, 3_000_000_000]) {
      const result = await runEval({
        cases: [evalCase],
        scorers: [
          defineScorer('slow', async () => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            return true;
          }),
        ],
        timeoutMs,
        createAgent: ({ gemini, recordedToolOutput }) =>
          weatherAgent(gemini, {}, { recordedToolOutput }),
      });
      expect(result.attempts[0]).toMatchObject({ status: 'pass' });
    }
  });

  it('a case with no recorded turns is an error that says how to fix it', async () => {
    const result = await runEval({
      cases: [{ id: 'bare', input: 'hi' }],
      scorers,
      createAgent: ({ gemini }) => weatherAgent(gemini),
    });
    expect(result.attempts[0]?.error?.message).toContain('gemloop eval from-runs');
  });

  it('refuses a run of no case, which would pass nothing', async () => {
    await expect(
      runEval({ cases: [], scorers, createAgent: ({ gemini }) => weatherAgent(gemini) }),
    ).rejects.toMatchObject({
      code: 'invalid-argument',
      argument: 'cases',
      message: expect.stringContaining('runEval: cases is empty: give at least one case'),
    });
  });

  it('refuses bad options with a typed error naming them', async () => {
    await expect(
      runEval({
        cases: [],
        scorers: [],
        concurrency: 0,
        createAgent: ({ gemini }) => weatherAgent(gemini),
      }),
    ).rejects.toMatchObject({ code: 'invalid-argument', argument: 'concurrency' });
    // Two cases under one id would be one case to compare and the reports.
    await expect(
      runEval({
        cases: [evalCase, { ...evalCase, input: 'Weather in Oslo?' }],
        scorers: [],
        createAgent: ({ gemini }) => weatherAgent(gemini),
      }),
    ).rejects.toMatchObject({
      code: 'invalid-argument',
      argument: 'cases',
      // Quoted as JSON, escaped (check-eval-cases.ts, attack61d).
      message: expect.stringContaining(`the case id "${evalCase.id}" is used twice`),
    });
  });
});

describe('runEval live (the fake as the endpoint)', () => {
  it('runs repeats, streams, scores with a user-defined scorer', async () => {
    await using fake = createFakeGemini({ script: () => turn.text('Sunny.') });
    const result = await runEval({
      mode: 'live',
      live: { apiKey: 'k', fetch: fake.fetch },
      cases: [{ id: 'sun', input: 'Weather?' }],
      scorers: [defineScorer('short', ({ run }) => run.text.length < 10)],
      repeats: 3,
      streaming: true,
      createAgent: ({ gemini }) =>
        createAgent({ gemini, model: 'gemini-2.5-flash', telemetry: false }),
    });
    expect(result.attempts.map((a) => [a.repeat, a.status])).toEqual([
      [0, 'pass'],
      [1, 'pass'],
      [2, 'pass'],
    ]);
    expect(fake.modelRequests.every((r) => r.stream)).toBe(true);
  });

  it('keeps the live key out of an attempt’s error, score reasons, events and result', async () => {
    const key = 'AIzaSy-eval-live-key-0123456789abcdef';
    await using fake = createFakeGemini({ script: () => turn.text('Sunny.') });
    const events: string[] = [];
    const result = await runEval({
      mode: 'live',
      live: { apiKey: key, fetch: fake.fetch },
      cases: [
        { id: 'factory', input: 'Weather?' },
        { id: 'scored', input: 'Weather?' },
      ],
      scorers: [
        defineScorer('echo', () => ({ score: 1, pass: true, reason: `asked with ${key}` })),
      ],
      onEvent: (event) => {
        events.push(JSON.stringify(event));
      },
      // A factory that throws with the key in its message (a client made by hand that says it).
      createAgent: ({ gemini, evalCase }) => {
        if (evalCase.id === 'factory') throw new Error(`no agent for key ${key}`);
        return createAgent({ gemini, model: 'gemini-2.5-flash', telemetry: false });
      },
    });
    expect(result.attempts[0]?.error?.message).toContain('no agent for key');
    expect(result.attempts[1]?.scores[0]?.reason).toContain('asked with');
    expect(JSON.stringify(result)).not.toContain(key);
    expect(events.join('\n')).not.toContain(key);
  });

  it('reports a case that hits a 429 as rate-limited', async () => {
    await using fake = createFakeGemini({ script: () => turn.text('ok') });
    fake.failNext({ type: 'rate-limit' }, 1);
    const gemini = createGemini({ apiKey: 'k', fetch: fake.fetch, retry: false });
    const result = await runEval({
      mode: 'live',
      live: { gemini },
      cases: [{ id: 'limited', input: 'hi' }],
      scorers: [],
      createAgent: (context) =>
        createAgent({ gemini: context.gemini, model: 'gemini-2.5-flash', telemetry: false }),
    });
    expect(result.attempts[0]).toMatchObject({
      status: 'error',
      error: { kind: 'rate-limited', status: 429 },
    });
  });

  it('drives a conversation turn by turn on one history', async () => {
    await using fake = createFakeGemini({
      script: (_request, context) => turn.text(`you said ${context.lastUserText}`),
    });
    const result = await runEval({
      mode: 'live',
      live: { apiKey: 'k', fetch: fake.fetch },
      cases: [{ id: 'chat', conversation: ['one', 'two'], expected: { text: 'you said two' } }],
      scorers: [exactMatch()],
      createAgent: ({ gemini }) =>
        createAgent({ gemini, model: 'gemini-2.5-flash', telemetry: false }),
    });
    expect(result.attempts[0]?.status).toBe('pass');
    // The second turn is sent after the first question and its answer (a chat session's history).
    const sent = fake.modelRequests.map(
      (request) => (request.body as { contents: unknown[] }).contents.length,
    );
    expect(sent).toEqual([1, 3]);
  });
});
