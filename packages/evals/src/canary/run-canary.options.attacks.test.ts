import { createGemini, InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { supportAgent, supportCases } from '../__fixtures__/support-agent.ts';
import { runEval } from '../run-eval.ts';
import { runCanary } from './run-canary.ts';

// attack15: `runCanary` and `runEval` called from code checked each option they knew but not the
// keys: a misspelt gate (`mustpass: ['safety']`, `mustcall`, `failonChange`, `minPass`) was
// dropped without a word, and the canary passed an upgrade that gate was written to fail
// (defineEvalSuite already refused the same typos in a suite file: attack13). No request is
// sent: every send would fail the test.

const OLD = 'gemini-2.5-flash';
const NEW = 'gemini-2.5-pro';
const noNetwork: typeof globalThis.fetch = async () => {
  throw new Error('no request may be sent');
};
const gemini = createGemini({ apiKey: 'k', fetch: noNetwork, retry: false });
const createAgent = ({ model }: { model?: string | undefined }) =>
  supportAgent(gemini, model ?? OLD);

async function refusal(run: () => Promise<unknown>): Promise<InvalidArgumentError> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (InvalidArgumentError.isInstance(error)) return error;
  throw new Error(`expected an InvalidArgumentError, got ${String(error)}`);
}

describe('runCanary with a misspelt option', () => {
  const base = { cases: supportCases(1), from: OLD, to: NEW, createAgent, live: { gemini } };

  it.each([
    ['mustpass', ['safety'], 'mustPass'],
    ['mustcall', ['cancel_subscription'], 'mustCall'],
    ['failonChange', true, 'failOnChange'],
    ['requirementAlfa', 0.05, 'requirementAlpha'],
  ])('%s: refused, naming the option meant, before any run', async (key, value, meant) => {
    const error = await refusal(() => runCanary({ ...base, [key]: value } as never));
    expect(error.argument).toBe(key);
    expect(error.message).toContain(meant);
  });

  it('a __proto__ key from JSON is refused too', async () => {
    const error = await refusal(() =>
      runCanary({ ...base, ...JSON.parse('{"__proto__": {"mustPass": []}}') }),
    );
    expect(error.argument).toBe('__proto__');
  });
});

describe('runEval with a misspelt option', () => {
  const base = { cases: supportCases(1), createAgent };

  it.each([
    ['repeat', 3, 'repeats'],
    ['timeout', 1000, 'timeoutMs'],
    ['concurency', 2, 'concurrency'],
  ])('%s: refused, naming the option meant', async (key, value, meant) => {
    const error = await refusal(() => runEval({ ...base, [key]: value } as never));
    expect(error.argument).toBe(key);
    expect(error.message).toContain(meant);
  });
});

// options-nested: `live` was a nested object no declaration described, so a misspelt field was
// dropped and the live client read GEMINI_API_KEY in its place.
describe('a misspelt field of live', () => {
  it.each([
    [
      'runEval',
      () =>
        runEval({
          cases: supportCases(1),
          createAgent,
          mode: 'live',
          live: { apikey: 'k' },
        } as never),
    ],
    [
      'runCanary',
      () =>
        runCanary({
          cases: supportCases(1),
          from: OLD,
          to: NEW,
          createAgent,
          live: { apikey: 'k' },
        } as never),
    ],
  ])('%s: refused with its full path and the field meant, before any run', async (_name, run) => {
    const error = await refusal(run);
    expect(error.argument).toBe('live.apikey');
    expect(error.message).toBe(
      "live has no option 'apikey'. Did you mean 'apiKey'? The options are apiKey, baseUrl, allowInsecureHttp, fetch, gemini.",
    );
  });
});
