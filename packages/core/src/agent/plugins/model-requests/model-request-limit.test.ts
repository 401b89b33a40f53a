import { describe, expect, it } from 'vitest';
import { asker, pluginsOutcome } from '../../__fixtures__/plugins-outcome.ts';
import { ModelCallError } from '../../errors/model-call-error.ts';
import { definePlugin } from '../define-plugin.ts';
import { ModelRequestLimitError } from './model-request-limit-error.ts';

// A `wrapModelRequest` could call its `next` without end (loose-ends2 found it; `wrapModelCall`'s
// `next` was already bounded): each request of the agent now allows each wrapper's `next` at most
// `maxModelCallsPerStep` calls, and the call past it is refused unsent with a typed error naming
// the plugin and the limit. The wrappers below stop at 200 calls so that the test ends without the
// bound too (and then fails on its count).

const MODES = ['run', 'stream'] as const;

/** Passes each request on once. */
const passing = definePlugin({
  name: 'passing',
  wrapModelRequest: (next) => next,
});

const outcome = pluginsOutcome;

describe('a request’s calls through wrapModelRequest', () => {
  for (const mode of MODES) {
    it(`a wrapper that calls next again and again is refused past 10 calls, naming it (${mode})`, async () => {
      const { error, gemini } = await outcome([asker('again-and-again')], mode);
      // 10 sent; the 11th refused unsent, and the step failed with it.
      expect(gemini.calls).toHaveLength(10);
      expect(ModelCallError.isInstance(error)).toBe(true);
      const cause = (error as ModelCallError).cause;
      expect(ModelRequestLimitError.isInstance(cause)).toBe(true);
      expect(cause).toMatchObject({
        name: 'ModelRequestLimitError',
        code: 'model-request-limit',
        plugin: 'again-and-again',
        hook: 'wrapModelRequest',
        limit: 10,
      });
      expect((cause as Error).message).toContain('maxModelCallsPerStep (10)');
      expect((cause as Error).message).toContain('Plugin "again-and-again"');
      // The history stays consistent: the input, no half turn.
      expect((error as ModelCallError).run.contents).toHaveLength(1);
    });

    it(`maxModelCallsPerStep raises or lowers it; the wrapper outside a looping one is not blamed (${mode})`, async () => {
      // 14 asks and the answer: 15 calls of next, each a request.
      const fifteen = await outcome([asker('fifteen', 14)], mode, { maxModelCallsPerStep: 15 });
      expect(fifteen.error).toBeUndefined();
      expect(fifteen.result?.text).toBe('a14');
      expect(fifteen.gemini.calls).toHaveLength(15);
      const three = await outcome([passing, asker('retrying', 4)], mode, {
        maxModelCallsPerStep: 3,
      });
      expect(((three.error as ModelCallError).cause as ModelRequestLimitError).plugin).toBe(
        'retrying',
      );
      expect(three.gemini.calls).toHaveLength(3);
    });

    it(`the count is per request: each of the run's requests gets the whole limit (${mode})`, async () => {
      // A wrapModelCall that sends the step's call three times: three requests, 3 calls each.
      const thrice = definePlugin({
        name: 'thrice',
        async wrapModelCall(call, next) {
          await next(call);
          await next(call);
          return next(call);
        },
      });
      const { error, result, gemini } = await outcome([thrice, asker('twice', 2)], mode, {
        maxModelCallsPerStep: 3,
      });
      expect(error).toBeUndefined();
      expect(gemini.calls).toHaveLength(9);
      expect(result?.text).toBe('a8');
    });

    // A wrapper that builds each call's input afresh (`{ request, callOptions }`, not a spread)
    // left the request's count behind: its `next` went unbounded (loose-ends5). Passing the input
    // it was given as `next`'s second argument counts the built one on it.
    it(`a wrapper that builds a fresh input and passes the given one is refused past 10 calls (${mode})`, async () => {
      const { error, gemini } = await outcome([asker('builder', 200, 'built-given')], mode);
      expect(gemini.calls).toHaveLength(10);
      const cause = (error as ModelCallError).cause;
      expect(ModelRequestLimitError.isInstance(cause)).toBe(true);
      expect(cause).toMatchObject({ plugin: 'builder', limit: 10 });
    });

    it(`the count goes on inside a wrapper that builds its input: the looping one within is named (${mode})`, async () => {
      const { error, gemini } = await outcome(
        [asker('outer-builder', 1, 'built-given'), asker('inner-loop')],
        mode,
        { maxModelCallsPerStep: 4 },
      );
      expect(gemini.calls).toHaveLength(4);
      expect(((error as ModelCallError).cause as ModelRequestLimitError).plugin).toBe('inner-loop');
    });

    it(`a wrapper that builds a fresh input without passing the given one keeps working (${mode})`, async () => {
      // Both shapes answer the same: three calls of next, the last one's answer kept.
      for (const shape of ['built', 'built-given', 'spread'] as const) {
        const { error, result, gemini } = await outcome([asker(`three-${shape}`, 2, shape)], mode);
        expect(error, shape).toBeUndefined();
        expect(result?.text, shape).toBe('a2');
        expect(gemini.calls, shape).toHaveLength(3);
      }
    });
  }
});
