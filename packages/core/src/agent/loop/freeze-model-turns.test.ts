import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { Part } from '../../wire/content.ts';
import { RUN_MODES, runBothWays } from '../__fixtures__/run-both-ways.ts';
import { createScriptedGemini, modelTurn, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';
import { definePlugin } from '../plugins/define-plugin.ts';

// The model's turn is frozen where code other than the loop's is handed it (a plugin, the
// application's onStepEnd or beforeToolCall, a plugin joining the run later), and left as
// parsed in a run with none of them: frozen objects serialise and copy more slowly on every
// later step (+15 µs a step unary, +19 streamed, in the ABBA of 2026-12-02), and the default
// agent's only other readers are the application's own stream and result.

const MODEL = 'gemini-2.5-flash';
const CALL: Part = {
  functionCall: { id: 'c1', name: 'look', args: { q: 'asked' } },
  thoughtSignature: 'SIG-the-models-own',
};
const script = () => [modelTurn([structuredClone(CALL)]), textTurn('Done.')];
const look = (onCall?: () => void) =>
  defineTool({
    name: 'look',
    description: 'Looks a word up.',
    parameters: z.object({ q: z.string() }),
    execute: async ({ q }) => {
      onCall?.();
      return { got: q };
    },
  });

/** Whether the call's turn, its part and its args are frozen, as the result holds them. */
function frozenness(content: { parts: readonly Part[] } | undefined) {
  const part = content?.parts[0];
  return [
    Object.isFrozen(content),
    Object.isFrozen(part),
    Object.isFrozen(part?.functionCall?.args),
  ];
}

describe.each(RUN_MODES)(
  'the model’s turn, frozen only where others are handed it (%s)',
  (mode) => {
    it('a default agent leaves it as parsed, and sends it back verbatim', async () => {
      const gemini = createScriptedGemini(script());
      const agent = createAgent({ gemini, model: MODEL, tools: [look()] });
      const { result } = await runBothWays(mode, agent, 'Go.');
      expect(frozenness(result.steps[0]?.content)).toEqual([false, false, false]);
      expect(gemini.contentsOf(1)?.[1]).toEqual({ role: 'model', parts: [CALL] });
    });

    it('a run with a plugin freezes it, all through', async () => {
      const gemini = createScriptedGemini(script());
      const plugin = definePlugin({ name: 'reader', afterModelCall() {} });
      const agent = createAgent({ gemini, model: MODEL, tools: [look()], plugins: [plugin] });
      const { result } = await runBothWays(mode, agent, 'Go.');
      expect(frozenness(result.steps[0]?.content)).toEqual([true, true, true]);
    });

    it('a run with an onStepEnd freezes it before the hook sees it', async () => {
      const gemini = createScriptedGemini(script());
      const seen: boolean[] = [];
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [look()],
        onStepEnd: (step) => {
          seen.push(Object.isFrozen(step.content));
        },
      });
      await runBothWays(mode, agent, 'Go.');
      expect(seen).toEqual([true, true]);
    });

    it('a run with a beforeToolCall freezes the model’s args it is handed (rawArgs)', async () => {
      const gemini = createScriptedGemini(script());
      const seen: boolean[] = [];
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [look()],
        beforeToolCall: (call) => {
          seen.push(Object.isFrozen(call.rawArgs));
          return undefined;
        },
      });
      await runBothWays(mode, agent, 'Go.');
      expect(seen).toEqual([true]);
    });
  },
);

describe('a plugin joining a run that had none', () => {
  it('freezes the turns the run already holds before its hooks run (a steer)', async () => {
    const gemini = createScriptedGemini(script());
    let stream: ReturnType<ReturnType<typeof createAgent>['stream']> | undefined;
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [look(() => stream?.steer('Only metric units.'))],
    });
    stream = agent.stream('Go.');
    for await (const _event of stream);
    const result = await stream.result;
    // The steer joined after step 1's turn entered the history unfrozen.
    expect(frozenness(result.steps[0]?.content)).toEqual([true, true, true]);
    expect(gemini.contentsOf(1)?.[1]).toEqual({ role: 'model', parts: [CALL] });
  });
});
