import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { createAgent } from '../create-agent.ts';
import { InvalidHistoryError } from '../errors/invalid-history-error.ts';

// attack60d: a run's options and input from outside, run and streamed. `plugins: 5` was the loop's
// typed error in a run but a TypeError thrown by agent.stream() itself (its key walk iterates
// the plugins before any check); a run's generationConfig was checked and read again, so a getter
// gave the check 0.5 and the request NaN (a ModelCallError at step 1); a revoked Proxy as the
// input, an item of it or the history was V8's TypeError; a getter that threw was its own error.

const revoked = (target: object = {}) => {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
};

function setUp() {
  const fake = createFakeGemini({ script: [turn.text('ok'), turn.text('ok')] });
  const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch, retry: false });
  return { fake, agent: createAgent({ gemini, model: 'gemini-2.5-flash' }) };
}

/** What `run` and `stream` each give for one input and options: the error, or the text. */
async function bothWays(input: unknown, options?: unknown): Promise<[unknown, unknown]> {
  const { fake, agent } = setUp();
  await using _fake = fake;
  const settle = (promise: Promise<{ text: string }>) =>
    promise.then(
      (result) => result.text,
      (error: unknown) => error,
    );
  const unary = await settle(agent.run(input as never, options as never));
  let streamed: unknown;
  try {
    streamed = await settle(agent.stream(input as never, options as never).result);
  } catch (error) {
    streamed = error;
  }
  expect(fake.modelRequests).toHaveLength(
    [unary, streamed].filter((outcome) => outcome === 'ok').length,
  );
  return [unary, streamed];
}

describe('run options from outside, run and streamed alike', () => {
  it('refuses plugins that are no array as the same typed error, before any request', async () => {
    for (const plugins of [5, {}, 'p']) {
      const [unary, streamed] = await bothWays('Hi', { plugins });
      for (const error of [unary, streamed]) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect(error).toMatchObject({ argument: 'options.plugins' });
      }
    }
  });

  it('sends the run temperature the check saw', async () => {
    const { fake, agent } = setUp();
    await using _fake = fake;
    let reads = 0;
    const generationConfig = Object.defineProperty({}, 'temperature', {
      enumerable: true,
      get: () => (reads++ === 0 ? 0.5 : Number.NaN),
    });
    expect((await agent.run('Hi', { generationConfig })).text).toBe('ok');
    const body = fake.modelRequests[0]?.body as Record<string, unknown> | undefined;
    expect(body?.['generationConfig']).toEqual({ temperature: 0.5 });
    expect(reads).toBe(1);
  });

  it('names a run option whose getter throws', async () => {
    const options = Object.defineProperty({}, 'budget', {
      enumerable: true,
      get() {
        throw new Error('lazy budget');
      },
    });
    const [unary, streamed] = await bothWays('Hi', options);
    for (const error of [unary, streamed]) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument: 'options.budget' });
    }
  });

  it('refuses a revoked Proxy as the input, an item of it, the history or the options', async () => {
    const cases: [input: unknown, options: unknown, kind: unknown][] = [
      [revoked(), undefined, InvalidHistoryError],
      [revoked([]), undefined, InvalidHistoryError],
      [[revoked()], undefined, InvalidHistoryError],
      ['Hi', { history: revoked([]) }, InvalidHistoryError],
      ['Hi', revoked(), InvalidArgumentError],
    ];
    for (const [input, options, kind] of cases) {
      const [unary, streamed] = await bothWays(input, options);
      expect(unary).toBeInstanceOf(kind);
      expect(streamed).toBeInstanceOf(kind);
    }
  });
});
