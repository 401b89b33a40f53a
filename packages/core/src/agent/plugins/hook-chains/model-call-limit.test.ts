import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../errors/invalid-argument-error.ts';
import { pluginsOutcome } from '../../__fixtures__/plugins-outcome.ts';
import { createScriptedGemini } from '../../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../../create-agent.ts';
import type { AgentPlugin } from '../agent-plugin.ts';
import { definePlugin } from '../define-plugin.ts';
import { ModelCallLimitError } from '../model-call-limit-error.ts';
import { PluginError } from '../plugin-error.ts';

// A `wrapModelCall` that calls `next` again and again, with no budget configured, kept sending
// requests: a step's model calls through the wrappers are bounded by the agent's
// `maxModelCallsPerStep` (10 unless raised), and the call past it ends the run with a typed error
// naming the plugin and the limit, before that request is sent.

const MODEL = 'gemini-2.5-flash';
const MODES = ['run', 'stream'] as const;

/** Calls `next` `times` times (or without end), keeping the last answer. */
function caller(name: string, times = Number.POSITIVE_INFINITY): AgentPlugin {
  return definePlugin({
    name,
    async wrapModelCall(call, next) {
      let step = await next(call);
      for (let index = 1; index < times; index++) step = await next(call);
      return step;
    },
  });
}

/** Passes the call on once. */
const passing = definePlugin({ name: 'passing', wrapModelCall: (call, next) => next(call) });

const outcome = pluginsOutcome;

describe('a step’s model calls through wrapModelCall', () => {
  for (const mode of MODES) {
    it(`a wrapper that calls next without end stops at 10 calls with a ModelCallLimitError naming it (${mode})`, async () => {
      const { error, gemini } = await outcome([caller('again-and-again')], mode);
      expect(gemini.calls).toHaveLength(10);
      expect(ModelCallLimitError.isInstance(error)).toBe(true);
      expect(PluginError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        name: 'ModelCallLimitError',
        code: 'plugin',
        plugin: 'again-and-again',
        hook: 'wrapModelCall',
        limit: 10,
        stepNumber: 1,
      });
      expect((error as Error).message).toContain('maxModelCallsPerStep (10)');
      expect((error as Error).message).toContain('Plugin "again-and-again"');
      // The history stays consistent: the input, no half turn.
      expect((error as ModelCallLimitError).run.contents).toHaveLength(1);
    });

    it(`maxModelCallsPerStep raises or lowers the limit (${mode})`, async () => {
      const fifteen = await outcome([caller('fifteen', 15)], mode, { maxModelCallsPerStep: 15 });
      expect(fifteen.error).toBeUndefined();
      expect(fifteen.result?.text).toBe('a14');
      expect(fifteen.gemini.calls).toHaveLength(15);
      const three = await outcome([caller('retrying', 4)], mode, { maxModelCallsPerStep: 3 });
      expect(three.error).toMatchObject({ plugin: 'retrying', limit: 3 });
      expect(three.gemini.calls).toHaveLength(3);
    });
  }

  it('allows exactly the limit: ten calls in a step end normally', async () => {
    const { result, error, gemini } = await outcome([caller('ten', 10)], 'run');
    expect(error).toBeUndefined();
    expect(result?.text).toBe('a9');
    expect(gemini.calls).toHaveLength(10);
  });

  it('names the wrapper that loops, outer or inner', async () => {
    const outer = await outcome([caller('outer-loop'), passing], 'run');
    expect(outer.error).toMatchObject({ plugin: 'outer-loop' });
    expect(outer.gemini.calls).toHaveLength(10);
    const inner = await outcome([passing, caller('inner-loop')], 'run');
    expect(inner.error).toMatchObject({ plugin: 'inner-loop' });
    expect(inner.gemini.calls).toHaveLength(10);
  });

  it('fails the step even when the wrapper catches the refusal and returns an earlier answer', async () => {
    const swallowing = definePlugin({
      name: 'swallowing',
      async wrapModelCall(call, next) {
        const first = await next(call);
        for (;;) {
          try {
            await next(call);
          } catch {
            return first;
          }
        }
      },
    });
    const { error, gemini } = await outcome([swallowing], 'run');
    expect(error).toMatchObject({ plugin: 'swallowing', limit: 10 });
    expect(ModelCallLimitError.isInstance(error)).toBe(true);
    expect(gemini.calls).toHaveLength(10);
  });

  it('ends with the refusal itself when a wrapper sends a call refused before sending again', async () => {
    // A wrapper that caught the typed refusal of a local check and called next with the same
    // call spun to the limit sending nothing, and the run ended with a ModelCallLimitError that
    // hid why. The same call is refused again at once, and the step fails with the refusal.
    for (const mode of MODES) {
      let nexts = 0;
      const stubborn = definePlugin({
        name: 'stubborn',
        async wrapModelCall(call, next) {
          for (;;) {
            try {
              nexts += 1;
              return await next({ ...call, model: 'not a model id' });
            } catch {
              if (nexts > 1_000) throw new Error('spun');
            }
          }
        },
      });
      const { error, gemini } = await outcome([stubborn], mode);
      expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
      expect(ModelCallLimitError.isInstance(error)).toBe(false);
      expect((error as Error).message).toContain('is not a model id');
      expect(nexts).toBe(2);
      expect(gemini.calls).toHaveLength(0);
    }
  });

  it('checks a changed call anew after a refusal: a fallback to a model id is sent', async () => {
    const fallback = definePlugin({
      name: 'fallback',
      async wrapModelCall(call, next) {
        try {
          return await next({ ...call, model: 'not a model id' });
        } catch {
          return next({ ...call, model: MODEL });
        }
      },
    });
    const { result, error, gemini } = await outcome([fallback], 'run');
    expect(error).toBeUndefined();
    expect(result?.text).toBe('a0');
    expect(gemini.calls).toHaveLength(1);
  });

  it('bounds calls a wrapper starts side by side', async () => {
    const burst = definePlugin({
      name: 'burst',
      async wrapModelCall(call, next) {
        const steps = await Promise.all(Array.from({ length: 50 }, () => next(call)));
        return steps[0] as (typeof steps)[number];
      },
    });
    const nested = await outcome([burst, passing], 'run');
    expect(nested.error).toMatchObject({ plugin: 'burst', limit: 10 });
    expect(nested.gemini.calls.length).toBeLessThanOrEqual(10);
    // Behind a wrapper that waits before it passes each call on, the calls reach the model after
    // every `next` of the burst passed its own check: the model still gets no more than the limit.
    const waiting = definePlugin({
      name: 'waiting',
      async wrapModelCall(call, next) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return next(call);
      },
    });
    const behind = await outcome([burst, waiting], 'run');
    expect(PluginError.isInstance(behind.error)).toBe(true);
    expect(behind.gemini.calls).toHaveLength(10);
  });

  it('counts each step on its own', async () => {
    // Nine calls a step, over three steps: 27 calls, none past the limit.
    const again = definePlugin({
      name: 'again',
      afterAnswer: (answer) =>
        answer.step.stepNumber < 3
          ? { type: 'run-again', contents: [{ role: 'user', parts: [{ text: 'more' }] }] }
          : undefined,
    });
    const { error, gemini } = await outcome([caller('nine', 9), again], 'run');
    expect(error).toBeUndefined();
    expect(gemini.calls).toHaveLength(27);
  });

  it('refuses a limit that is not a positive integer, naming the option', () => {
    const gemini = createScriptedGemini([]);
    for (const value of [0, -1, 1.5, '10', Number.NaN]) {
      expect(() =>
        createAgent({ gemini, model: MODEL, maxModelCallsPerStep: value as number }),
      ).toThrow(InvalidArgumentError);
      try {
        createAgent({ gemini, model: MODEL, maxModelCallsPerStep: value as number });
      } catch (error) {
        expect((error as InvalidArgumentError).argument).toContain('maxModelCallsPerStep');
      }
    }
  });
});
