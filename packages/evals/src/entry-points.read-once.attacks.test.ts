import { createAgent, createGemini, type Gemini } from '@gemloop/core';
import { countOptionReads, createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { supportAgent, supportCases } from './__fixtures__/support-agent.ts';
import { recordWeatherRun, weatherAgent } from './__fixtures__/weather-agent.ts';
import { bisectCommits } from './bisect/bisect-commits.ts';
import { traceCase } from './bisect/trace-case.ts';
import { runCanary } from './canary/run-canary.ts';
import { caseFromRunFile } from './cases-from-run.ts';
import type { EvalCase } from './eval-case.ts';
import { forkRun } from './fork/fork-run.ts';
import { replayRun } from './replay/replay-run.ts';
import { runEval } from './run-eval.ts';

// attack23 (left by attack20, which counted runEval's): the other evals entry points checked an
// option and read it again where they used it, so a getter or a Proxy could hand the check one
// value and the code another: runCanary's `from` passed as 'gemini-2.5-flash' against `to` and
// ran as `to` (a model compared with itself), forkRun's `until` 1 at the check and 7 at the
// replay, bisectCommits' `arguments` 'exact' to one comparison and 'ignore' to the next. Each
// option is a getter here that counts its reads: a whole call reads each once, and the nested
// `change` of forkRun (its `toolResults` edits, checked then applied) as well.

const readTwice = (reads: Record<string, number>): [string, number][] =>
  Object.entries(reads).filter(([, count]) => count > 1);

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function scripted(options: Parameters<typeof createFakeGemini>[0]): Gemini {
  const fake = createFakeGemini(options);
  fakes.push(fake);
  return createGemini({ apiKey: 'then', fetch: fake.fetch, retry: false });
}

async function recordedCase(): Promise<EvalCase> {
  const recorded = await recordWeatherRun();
  await recorded.cleanup();
  const made = caseFromRunFile(recorded.text, recorded.file);
  if (made === undefined) throw new Error('the recorded run made no case');
  return made;
}

describe('the evals entry points read each option once', () => {
  it('replayRun', async () => {
    const made = await recordedCase();
    const { options, reads } = countOptionReads({
      until: 1,
      continueOn: scripted({ script: [turn.text('Forked.')] }),
      streaming: false,
      signal: new AbortController().signal,
      createAgent: (context: { gemini: Gemini }) => weatherAgent(context.gemini),
    });
    const fork = await replayRun(made, options as Parameters<typeof replayRun>[1]);
    expect(fork.result.text).toBe('Forked.');
    expect(readTwice(reads)).toEqual([]);
  });

  it('traceCase, offline and gone live', async () => {
    const made = await recordedCase();
    for (const toolDescription of [undefined, 'Weather.']) {
      const { options, reads } = countOptionReads({
        live: scripted({ script: [turn.text('Sunny.')] }),
        timeoutMs: 60_000,
        streaming: false,
        signal: new AbortController().signal,
        createAgent: ({
          gemini,
          recordedToolOutput,
        }: Parameters<Parameters<typeof traceCase>[1]['createAgent']>[0]) =>
          weatherAgent(gemini, toolDescription === undefined ? {} : { toolDescription }, {
            recordedToolOutput,
          }),
      });
      const trace = await traceCase(made, options as Parameters<typeof traceCase>[1]);
      expect(trace.live).toBe(toolDescription !== undefined);
      expect(readTwice(reads)).toEqual([]);
    }
  });

  it('bisectCommits', async () => {
    const { options, reads } = countOptionReads({
      commits: ['a', 'b', 'c', 'd', 'e'],
      evaluate: async (commit: string) => ({
        cases: { one: commit < 'c' ? [{ name: 'x', args: {} }] : [{ name: 'y', args: {} }] },
        live: false,
      }),
      arguments: 'ignore' as const,
    });
    const result = await bisectCommits(options);
    expect(result.culprit).toBe('c');
    expect(readTwice(reads)).toEqual([]);
  });

  it('runCanary', async () => {
    const fake = createFakeGemini({ script: () => turn.text('Done.') });
    fakes.push(fake);
    const gemini = createGemini({ apiKey: 'k', fetch: fake.fetch, retry: false });
    const { options, reads } = countOptionReads({
      cases: supportCases(2),
      live: { gemini },
      from: 'gemini-2.5-flash',
      to: 'gemini-2.5-pro',
      k: 2,
      alpha: 0.01,
      requirementAlpha: 0.05,
      concurrency: 2,
      timeoutMs: 60_000,
      streaming: false,
      now: Date.now,
      onAttempt: () => {},
      scorers: [
        {
          name: 'ok',
          score: () => ({ scorer: 'ok', score: 1, pass: true, reason: 'fine' }),
        },
      ],
      mustCall: ['cancel_subscription'],
      mustPass: ['ok'],
      failOnChange: false,
      arguments: 'exact' as const,
      createAgent: ({ gemini: client, model }: { gemini: Gemini; model?: string | undefined }) =>
        supportAgent(client, model ?? 'gemini-2.5-flash'),
    });
    const result = await runCanary(options as Parameters<typeof runCanary>[0]);
    expect(result.cases).toHaveLength(2);
    expect(readTwice(reads)).toEqual([]);
  });

  it("runEval's live settings, the key among them", async () => {
    const fake = createFakeGemini({ script: () => turn.text('ok') });
    fakes.push(fake);
    const reads: Record<string, number> = {};
    const live = countOptionReads({ apiKey: 'key-attack23', fetch: fake.fetch }, reads, 'live.');
    const result = await runEval({
      mode: 'live',
      live: live.options,
      cases: [{ id: 'a', input: 'Hi' }],
      scorers: [],
      createAgent: ({ gemini }) => createAgent({ gemini, model: 'gemini-2.5-flash' }),
    });
    expect(result.attempts).toHaveLength(1);
    expect(readTwice(reads)).toEqual([]);
  });

  it('forkRun, and its change with an edited tool result', async () => {
    const made = await recordedCase();
    const reads: Record<string, number> = {};
    const edit = countOptionReads(
      { step: 1, call: 0, output: { city: 'Paris', temperatureC: -40 } },
      reads,
      'edit.',
    );
    const change = countOptionReads(
      { instructions: 'Tersely.', toolResults: [edit.options] },
      reads,
      'change.',
    );
    const { options } = countOptionReads(
      {
        until: 1,
        change: change.options,
        continueOn: scripted({ script: [turn.text('Changed.')] }),
        streaming: false,
        signal: new AbortController().signal,
      },
      reads,
    );
    const fork = await forkRun(made, options);
    expect(fork.forked?.text).toBe('Changed.');
    expect(readTwice(reads)).toEqual([]);
  });
});

describe('the values read once are also checked', () => {
  it('each refuses options that are not an object with a typed error (the copy is made of objects only)', async () => {
    const made = await recordedCase();
    for (const call of [
      () => runCanary(null as never),
      () => bisectCommits(null as never),
      () => forkRun(made, null as never),
      () => traceCase(made, 5 as never),
    ]) {
      await expect(call()).rejects.toMatchObject({ name: 'InvalidArgumentError' });
    }
  });

  it('forkRun refuses a misspelt option or change, before anything runs', async () => {
    const made = await recordedCase();
    const continueOn = scripted({ script: [] });
    await expect(forkRun(made, { until: 1, continueOn, stream: true } as never)).rejects.toThrow(
      /forkRun has no option 'stream'\. Did you mean 'streaming'\?/,
    );
    await expect(
      forkRun(made, {
        until: 1,
        continueOn,
        change: { toolResult: [{ step: 1, call: 0, output: {} }] },
      } as never),
    ).rejects.toMatchObject({ argument: 'change.toolResult', name: 'InvalidArgumentError' });
    await expect(
      forkRun(made, { until: 1, continueOn, change: { toolResults: [null] } } as never),
    ).rejects.toMatchObject({ argument: 'change.toolResults', name: 'InvalidArgumentError' });
  });

  it("bisectCommits refuses an arguments value other than 'exact' or 'ignore' (it compared exactly)", async () => {
    const evaluated: string[] = [];
    await expect(
      bisectCommits({
        commits: ['a', 'b'],
        evaluate: async (commit) => {
          evaluated.push(commit);
          return { cases: {}, live: false };
        },
        arguments: 'ignored' as never,
      }),
    ).rejects.toThrow(/arguments must be 'exact' or 'ignore'; got "ignored"/);
    expect(evaluated).toEqual([]);
  });

  it('runCanary refuses a mustCall that is not a list (its letters were taken for tool names)', async () => {
    await expect(
      runCanary({
        cases: supportCases(1),
        from: 'gemini-2.5-flash',
        to: 'gemini-2.5-pro',
        mustCall: 'cancel_subscription' as never,
        createAgent: () => {
          throw new Error('no agent may be built');
        },
      }),
    ).rejects.toMatchObject({ argument: 'mustCall', name: 'InvalidArgumentError' });
  });
});
