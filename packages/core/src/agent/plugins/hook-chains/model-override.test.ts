import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { costOf } from '../../../pricing/cost-of.ts';
import { defineTool } from '../../../tools/define/define-tool.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../../create-agent.ts';
import { definePlugin } from '../define-plugin.ts';

// The seam's model override (ModelCallDraft.model): a wrapModelCall that passes another model to
// next() gets a call built for that model, not the agent's request with another name on it.

const usage = { promptTokenCount: 1000, candidatesTokenCount: 500, totalTokenCount: 1500 };

describe.each(['run', 'stream'] as const)('a model call sent to another model (%s)', (mode) => {
  it('is built for that model (its thinking fields, its URL), priced at it, and named on the step', async () => {
    const gemini = createScriptedGemini([
      { ...callsTurn(['noop', {}, 'call-1', 'c2ln']), usageMetadata: usage },
      { ...textTurn('Done.'), usageMetadata: usage },
    ]);
    // Override every call after the first.
    const elsewhere = definePlugin({
      name: 'elsewhere',
      wrapModelCall: (call, next) =>
        next(call.stepNumber === 1 ? call : { ...call, model: 'gemini-2.5-flash' }),
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      thinking: 'low',
      tools: [
        defineTool({
          name: 'noop',
          description: 'Does nothing.',
          parameters: z.object({}),
          execute: () => ({}),
        }),
      ],
      plugins: [elsewhere],
    });
    const result =
      mode === 'run'
        ? await agent.run('Hi')
        : await (async () => {
            const stream = agent.stream('Hi');
            for await (const _ of stream) {
              // drain
            }
            return stream.result;
          })();
    expect(result.text).toBe('Done.');
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('success');
    const [first, second] = gemini.calls;
    expect(first?.request.model).toBe('gemini-3-flash-preview');
    expect(first?.request.generationConfig?.thinkingConfig).toEqual({ thinkingLevel: 'LOW' });
    expect(second?.request.model).toBe('gemini-2.5-flash');
    // Gemini 2.5 takes a budget, not a level (the agent's options resolved for that model).
    expect(second?.request.generationConfig?.thinkingConfig?.thinkingLevel).toBeUndefined();
    expect(second?.request.generationConfig?.thinkingConfig?.thinkingBudget).toEqual(
      expect.any(Number),
    );
    expect(result.steps.map((step) => step.model)).toEqual([undefined, 'gemini-2.5-flash']);
    expect(result.steps[1]?.cost).toEqual(
      costOf(result.steps[1]?.response.usageMetadata ?? {}, 'gemini-2.5-flash', undefined),
    );
  });
});
