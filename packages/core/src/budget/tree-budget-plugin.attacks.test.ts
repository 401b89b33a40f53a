import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  type ScriptedTurn,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { TreeBudgetError } from '../agent/errors/tree-budget-error.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { subagent } from '../composition/subagent.ts';
import { defineTool } from '../tools/define/define-tool.ts';

// leftovers79a (issue 53): a tree's step budget under a fan-out. Before, each step was counted
// only when it ended (after its tools), and each run checked the count alone: a parent whose one
// step started five subagents at once had its own step and all five children's first ones pass a
// `maxSteps: 3`. A step now holds its unit from its check until it is counted, and gives it back
// however it ends uncounted (a failed call, an abort, a hook that threw).

const MODEL = 'gemini-2.5-flash';
const FANOUT = 5;

/** A child agent whose every call answers `done` (however many run at once). */
function childAgent(): { agent: ReturnType<typeof createAgent>; calls: () => number } {
  const gemini = createScriptedGemini(
    Array.from({ length: 20 }, (): ScriptedTurn => () => textTurn('done')),
  );
  return {
    agent: createAgent({ gemini, model: MODEL }),
    calls: () => gemini.calls.length,
  };
}

describe('the tree budget in a fan-out of subagents', () => {
  for (const streamed of [false, true]) {
    it(`makes at most budget.maxSteps model calls when one step starts ${FANOUT} subagents (${streamed ? 'streamed' : 'unary'})`, async () => {
      const child = childAgent();
      const parentGemini = createScriptedGemini([
        callsTurn(
          ...Array.from(
            { length: FANOUT },
            (_, index): [string, Record<string, unknown>, string] => [
              'worker',
              { task: `t${index}` },
              `w${index}`,
            ],
          ),
        ),
        textTurn('all done'),
      ]);
      const parent = createAgent({
        gemini: parentGemini,
        model: MODEL,
        tools: [subagent(child.agent, { name: 'worker', description: 'Works.' })],
      });
      const options = { budget: { maxSteps: 3 } };
      const error = await (streamed
        ? parent.stream('Fan out.', options).result
        : parent.run('Fan out.', options)
      ).catch((caught: unknown) => caught);
      // The parent's step and two children's: three, the budget; the third child is refused.
      expect(parentGemini.calls.length + child.calls()).toBeLessThanOrEqual(3);
      expect(TreeBudgetError.isInstance(error)).toBe(true);
      const budgetError = error as TreeBudgetError;
      expect(budgetError.limit).toBe('steps');
      expect(budgetError.max).toBe(3);
      expect(budgetError.used).toBe(3);
      expect(budgetError.message).toContain('options.budget.maxSteps');
    });
  }

  it('runs a fan-out that fits the budget to its end (no unit is held twice)', async () => {
    const child = childAgent();
    const parentGemini = createScriptedGemini([
      callsTurn(['worker', { task: 'a' }, 'w0'], ['worker', { task: 'b' }, 'w1']),
      textTurn('all done'),
    ]);
    const parent = createAgent({
      gemini: parentGemini,
      model: MODEL,
      tools: [subagent(child.agent, { name: 'worker', description: 'Works.' })],
    });
    // The parent's two steps and the two children's one each: exactly four.
    const result = await parent.run('Fan out.', { budget: { maxSteps: 4 } });
    expect(result.text).toBe('all done');
    expect(parentGemini.calls.length + child.calls()).toBe(4);
  });

  /** A parent that calls `worker` once, then answers `ok`, under `budget: { maxSteps: 2 }`. */
  async function parentAfter(child: ReturnType<typeof createAgent>, timeoutMs?: number) {
    const parentGemini = createScriptedGemini([
      callsTurn(['worker', { task: 'go' }, 'w0']),
      textTurn('ok'),
    ]);
    const parent = createAgent({
      gemini: parentGemini,
      model: MODEL,
      tools: [
        subagent(child, {
          name: 'worker',
          description: 'Works.',
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
        }),
      ],
    });
    return parent.run('go', { budget: { maxSteps: 2 } });
  }

  it("gives a failed call's unit back: the parent's next step is not refused", async () => {
    const child = createAgent({
      gemini: createScriptedGemini([{ error: new Error('boom') }]),
      model: MODEL,
    });
    // The parent's first step (1) and its answer (2); the child's failed call counted no step.
    expect((await parentAfter(child)).text).toBe('ok');
  });

  it("gives an aborted call's unit back (the subagent's time limit)", async () => {
    const child = createAgent({ gemini: createScriptedGemini([{ hang: true }]), model: MODEL });
    expect((await parentAfter(child, 50)).text).toBe('ok');
  });

  it("gives the unit of a step whose hook threw back (a child's afterModelCall)", async () => {
    const throwing = definePlugin({
      name: 'throwing',
      afterModelCall: () => {
        throw new Error('hook failed');
      },
    });
    const child = createAgent({
      gemini: createScriptedGemini([textTurn('done')]),
      model: MODEL,
      plugins: [throwing],
    });
    expect((await parentAfter(child)).text).toBe('ok');
  });

  it("gives a refused step's unit back: none is held after a run the budget stopped", async () => {
    const echo = defineTool({ name: 'echo', parameters: z.object({}), execute: () => 'e' });
    const gemini = createScriptedGemini([callsTurn(['echo', {}, 'e0']), textTurn('done')]);
    const seen: number[] = [];
    // Reads the meter's holders through a plugin of the run's: after the refusal, the run ends
    // holding nothing (endRun, its own unit given back).
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [echo],
      plugins: [
        definePlugin({
          name: 'seen',
          beforeModelCall: (call) => {
            seen.push(call.stepNumber);
          },
        }),
      ],
    });
    const error = await agent
      .run('Echo.', { budget: { maxSteps: 1 } })
      .catch((caught: unknown) => caught);
    expect(TreeBudgetError.isInstance(error)).toBe(true);
    expect((error as TreeBudgetError).used).toBe(1);
    expect(seen).toEqual([1, 2]);
    expect(gemini.calls).toHaveLength(1);
  });
});
