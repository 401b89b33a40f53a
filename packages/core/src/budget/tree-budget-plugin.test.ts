import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { TreeBudgetError } from '../agent/errors/tree-budget-error.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { PluginError } from '../agent/plugins/plugin-error.ts';
import { defineTool } from '../tools/define/define-tool.ts';

// The `budget` run option as a plugin on the seam (issue 53): the same TreeBudgetError as when
// the loop checked it, streamed and unary, after the run's other plugins had their say.

const MODEL = 'gemini-2.5-flash';
const echo = defineTool({ name: 'echo', parameters: z.object({}), execute: () => 'e' });

describe('the tree budget plugin', () => {
  it('refuses the step past budget.maxSteps with a TreeBudgetError, not a PluginError, streamed and unary', async () => {
    for (const streamed of [false, true]) {
      const gemini = createScriptedGemini([callsTurn(['echo', {}, 'e0']), textTurn('done')]);
      const seen: number[] = [];
      // A plugin of the agent's own: its beforeModelCall runs before the budget's check, as it
      // ran before the loop's own check did.
      const counting = definePlugin({
        name: 'counting',
        beforeModelCall: (call) => {
          seen.push(call.stepNumber);
        },
      });
      const agent = createAgent({ gemini, model: MODEL, tools: [echo], plugins: [counting] });
      const options = { budget: { maxSteps: 1 } };
      const error = await (streamed
        ? agent.stream('Echo twice.', options).result
        : agent.run('Echo twice.', options)
      ).catch((caught: unknown) => caught);
      expect(TreeBudgetError.isInstance(error)).toBe(true);
      expect(PluginError.isInstance(error)).toBe(false);
      const budgetError = error as TreeBudgetError;
      expect(budgetError.limit).toBe('steps');
      expect(budgetError.used).toBe(1);
      expect(budgetError.path).toEqual([]);
      // Its history holds the step that ran, answered.
      expect(budgetError.run.steps).toHaveLength(1);
      expect(gemini.calls).toHaveLength(1);
      expect(seen).toEqual([1, 2]);
    }
  });

  it("checks each call a wrapper sends again, as the loop's check did: a call that spent the budget is the last", async () => {
    const gemini = createScriptedGemini([textTurn('first'), textTurn('second')]);
    // Sends each step's call twice (as a fallback or a retry plugin may), keeping the second.
    const twice = definePlugin({
      name: 'twice',
      wrapModelCall: async (call, next) => {
        await next(call);
        return next(call);
      },
    });
    const agent = createAgent({ gemini, model: MODEL, plugins: [twice] });
    const error = await agent
      .run('Hi', { budget: { maxCostUsd: '0.000000000001' } })
      .catch((caught: unknown) => caught);
    expect(TreeBudgetError.isInstance(error)).toBe(true);
    expect((error as TreeBudgetError).limit).toBe('cost');
    expect(gemini.calls).toHaveLength(1);
  });

  it('leaves a run without a budget alone: a plugin of the same name is the only one', async () => {
    const gemini = createScriptedGemini([textTurn('done')]);
    const own = definePlugin({ name: 'tree-budget', beforeModelCall: () => undefined });
    const agent = createAgent({ gemini, model: MODEL, plugins: [own] });
    expect((await agent.run('Hi')).text).toBe('done');
  });
});
