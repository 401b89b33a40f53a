import { createGemini, InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import type { EvalCase } from '../eval-case.ts';
import { replayRun } from '../replay/replay-run.ts';
import { bisectCommits } from './bisect-commits.ts';
import { traceCase } from './trace-case.ts';

// attack16 (left by attack15): `traceCase`, `replayRun` and `bisectCommits` checked the options
// they knew but not the keys, as runEval and runCanary did before attack15. A misspelt option was
// dropped without a word: `bisectCommits({ argument: 'ignore' })` compared the arguments exactly
// and named as the culprit a commit that only reworded them; `traceCase({ stream: true })` and
// `replayRun({ stream: true })` ran unary; a misspelt `signal` made the run unstoppable. Each is
// now refused before any agent is built, any commit evaluated or any request sent.

const noNetwork: typeof globalThis.fetch = async () => {
  throw new Error('no request may be sent');
};
const gemini = createGemini({ apiKey: 'k', fetch: noNetwork, retry: false });
const recording: EvalCase = { id: 'c1', input: 'Weather in Paris?' };
const createAgent = (): never => {
  throw new Error('no agent may be built');
};

async function refusal(run: () => Promise<unknown>): Promise<InvalidArgumentError> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (InvalidArgumentError.isInstance(error)) return error;
  throw new Error(`expected an InvalidArgumentError, got ${String(error)}`);
}

describe('bisectCommits with a misspelt option', () => {
  it('argument (for arguments): refused before any commit is evaluated', async () => {
    const evaluated: string[] = [];
    const error = await refusal(() =>
      bisectCommits({
        commits: ['good', 'bad'],
        evaluate: async (commit: string) => {
          evaluated.push(commit);
          return { cases: {}, live: false };
        },
        argument: 'ignore',
      } as never),
    );
    expect(error.argument).toBe('argument');
    expect(error.message).toContain('arguments');
    expect(evaluated).toEqual([]);
  });

  it('a __proto__ key from JSON is refused too', async () => {
    const error = await refusal(() =>
      bisectCommits({
        commits: ['good', 'bad'],
        evaluate: async () => ({ cases: {}, live: false }),
        ...JSON.parse('{"__proto__": {"arguments": "ignore"}}'),
      }),
    );
    expect(error.argument).toBe('__proto__');
  });

  it('the declared options still run', async () => {
    const result = await bisectCommits({
      commits: ['good', 'bad'],
      evaluate: async (commit) => ({
        cases: {
          c1: [{ name: 'get_weather', args: { city: commit === 'good' ? 'Paris' : 'paris' } }],
        },
        live: false,
      }),
      arguments: 'ignore',
    });
    expect(result.culprit).toBeUndefined();
  });
});

describe('traceCase with a misspelt option', () => {
  it.each([
    ['stream', true, 'streaming'],
    ['timeout', 1000, 'timeoutMs'],
    ['signall', new AbortController().signal, 'signal'],
    ['liv', gemini, 'live'],
  ])(
    '%s: refused, naming the option meant, before any agent is built',
    async (key, value, meant) => {
      const error = await refusal(() =>
        traceCase(recording, { createAgent, [key]: value } as never),
      );
      expect(error.argument).toBe(key);
      expect(error.message).toContain(meant);
    },
  );
});

describe('replayRun with a misspelt option', () => {
  it.each([
    ['stream', true, 'streaming'],
    ['signl', new AbortController().signal, 'signal'],
  ])(
    '%s: refused, naming the option meant, before any agent is built',
    async (key, value, meant) => {
      const error = await refusal(() =>
        replayRun(recording, { createAgent, until: 0, continueOn: gemini, [key]: value } as never),
      );
      expect(error.argument).toBe(key);
      expect(error.message).toContain(meant);
    },
  );
});
