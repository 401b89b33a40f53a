// Hostile tools and their results (attack-core5), public imports only, against the fake Gemini on
// 127.0.0.1: values JSON cannot hold, reads that throw (the key in the words), a tool that
// ignores the abort, and a turn of 1,000 calls.
import { createAgent, defineTool } from '@gemloop/core';
import { validateHistory } from '@gemloop/core/history';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { everything, KEY, MODEL, MODES, outcome, serve } from '../plugins/outside-attack-kit.ts';

const noArgs = z.object({});
type FunctionResponseParts = {
  functionResponse?: { name: string; response: Record<string, unknown> };
}[];

/** The function responses of the last request. */
function lastResponses(fake: Awaited<ReturnType<typeof serve>>['fake']) {
  const body = fake.modelRequests.at(-1)?.body as { contents: { parts: FunctionResponseParts }[] };
  return (body.contents.at(-1)?.parts ?? []).map((part) => part.functionResponse?.response ?? {});
}

const cyclic = () => {
  const value: Record<string, unknown> = { a: 1 };
  value['self'] = value;
  return value;
};
const selfJson = () => {
  const value: Record<string, unknown> = {};
  value['toJSON'] = () => value;
  return value;
};
const trapped = () =>
  new Proxy(
    {},
    {
      get(_target, key) {
        if (key === 'then') return undefined;
        throw new Error(`trap ${KEY}`);
      },
      ownKeys() {
        throw new Error(`keys ${KEY}`);
      },
    },
  );

const hostile: [string, () => unknown][] = [
  ['a cyclic object', cyclic],
  ['a BigInt', () => 10n ** 30n],
  ['an object holding a BigInt', () => ({ n: 1n })],
  ['a Map', () => new Map([['a', 1]])],
  ['a Set in a field', () => ({ s: new Set([1, 2]) })],
  ['a toJSON that returns itself', selfJson],
  [
    'a toJSON that throws the key',
    () => ({
      toJSON() {
        throw new Error(`cannot serialise with ${KEY}`);
      },
    }),
  ],
  [
    'a getter that throws the key',
    () => ({
      get secret() {
        throw new Error(`getter saw ${KEY}`);
      },
    }),
  ],
  ['a Promise resolving to a proxy whose traps throw the key', () => Promise.resolve(trapped())],
  ['a symbol', () => Symbol(KEY)],
  ['a function', () => () => KEY],
  ['NaN in a field', () => ({ n: Number.NaN, i: Number.POSITIVE_INFINITY })],
];

describe('a tool returning what JSON cannot hold', () => {
  for (const mode of MODES) {
    for (const [name, execute] of hostile) {
      it(`${name} (${mode}): the call is answered, the run goes on, the key nowhere`, async () => {
        const tool = defineTool({ name: 'tool', parameters: noArgs, execute });
        const { fake, gemini } = await serve([turn.call('tool', {}), turn.text('done')]);
        const agent = createAgent({ gemini, model: MODEL, tools: [tool] });
        const { result, error } = await outcome(agent, mode, 'Go.');
        expect(everything(error)).not.toContain(KEY);
        expect(error).toBeUndefined();
        expect(result?.text).toBe('done');
        expect(validateHistory(result?.contents ?? [])).toEqual([]);
        const sent = JSON.stringify(fake.modelRequests.map((request) => request.body));
        expect(sent).not.toContain(KEY);
        expect(JSON.stringify(result?.contents)).not.toContain(KEY);
        expect(lastResponses(fake)).toHaveLength(1);
      });
    }
  }
});

describe('a tool that ignores the abort', () => {
  for (const mode of MODES) {
    it(`run ends when aborted (${mode}); the tool's later result goes nowhere`, async () => {
      let finishLate: ((value: unknown) => void) | undefined;
      let markStarted = (): void => {};
      const started = {
        promise: new Promise<void>((resolve) => {
          markStarted = resolve;
        }),
      };
      const tool = defineTool({
        name: 'tool',
        parameters: noArgs,
        execute: () => {
          markStarted();
          return new Promise((resolve) => {
            finishLate = resolve;
          });
        },
      });
      const { fake, gemini } = await serve([turn.call('tool', {}), turn.text('done')]);
      const agent = createAgent({ gemini, model: MODEL, tools: [tool] });
      const controller = new AbortController();
      const ended = outcome(agent, mode, 'Go.', { signal: controller.signal });
      await started.promise;
      controller.abort(new Error('user cancelled'));
      const { result, error } = await ended;
      expect(result).toBeUndefined();
      expect(error).toBeDefined();
      const requests = fake.modelRequests.length;
      finishLate?.({ late: KEY });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fake.modelRequests.length).toBe(requests);
      expect(everything(error)).not.toContain(KEY);
    });
  }
});

describe('1,000 function calls in one answer', () => {
  for (const mode of MODES) {
    it(`runs at most toolConcurrency at once and answers each once (${mode})`, async () => {
      let running = 0;
      let most = 0;
      const tool = defineTool({
        name: 'tool',
        parameters: z.object({ i: z.number() }),
        execute: async ({ i }) => {
          running++;
          most = Math.max(most, running);
          await new Promise((resolve) => setImmediate(resolve));
          running--;
          return { i };
        },
      });
      const calls = Array.from({ length: 1000 }, (_, i) => ({ name: 'tool', args: { i } }));
      const { fake, gemini } = await serve([turn.calls(calls), turn.text('done')]);
      const agent = createAgent({ gemini, model: MODEL, tools: [tool] });
      const { result, error } = await outcome(agent, mode, 'Go.');
      expect(error).toBeUndefined();
      expect(result?.text).toBe('done');
      expect(most).toBeLessThanOrEqual(8);
      const responses = lastResponses(fake);
      expect(responses.map((response) => (response['i'] as number | undefined) ?? -1)).toEqual(
        calls.map(({ args }) => args.i),
      );
    });
  }
});
