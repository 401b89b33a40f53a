import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { zeroCost } from '../models/cost.ts';
import type { AgentStep, ToolCallOutcome } from '../run/agent-result.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { RUN_MODES, runBothWays } from './__fixtures__/run-both-ways.ts';
import { callsTurn, createScriptedGemini, textTurn } from './__fixtures__/scripted-gemini.ts';
import { costAbove } from './cost-above.ts';
import { createAgent } from './create-agent.ts';
import {
  hasToolCall,
  hasToolError,
  type StopConditionContext,
  totalTokensExceed,
} from './stop-conditions.ts';

describe('totalTokensExceed', () => {
  it('refuses a budget that is not a number of tokens, which would never stop the run', () => {
    // `Number(process.env.MAX_TOKENS)` with the variable unset is NaN, and `total > NaN` is false
    // forever: the budget was silently off.
    for (const maxTokens of [Number.NaN, -1, '5000', undefined, null]) {
      expect(() => totalTokensExceed(maxTokens as number)).toThrow(InvalidArgumentError);
    }
    expect(() => totalTokensExceed(Number.NaN)).toThrow(/maxTokens.*got NaN/);
  });

  it('takes zero, a whole budget and Infinity', () => {
    for (const maxTokens of [0, 5000, Number.POSITIVE_INFINITY]) {
      expect(typeof totalTokensExceed(maxTokens)).toBe('function');
    }
  });
});

// ---- the conditions on their own, then in a run ----

/** A step with these calls (name and outcome) and this many tokens. */
function step(calls: [string, ToolCallOutcome][], totalTokenCount = 10): AgentStep {
  return {
    stepNumber: 1,
    toolCalls: calls.map(([toolName, outcome]) => ({ toolName, outcome })),
    usage: { totalTokenCount },
  } as unknown as AgentStep;
}

const context = (steps: AgentStep[], total: string | null = '0'): StopConditionContext => ({
  steps,
  cost: { ...zeroCost(), total },
});

describe('hasToolCall', () => {
  it('stops after a step with any call when no name is given, never before a step', () => {
    const condition = hasToolCall();
    expect(condition(context([]))).toBe(false);
    expect(condition(context([step([])]))).toBe(false);
    expect(condition(context([step([['search', 'success']])]))).toBe(true);
  });

  it('reads only the last step: a call two steps back does not stop the run', () => {
    const condition = hasToolCall('final_answer');
    expect(
      condition(context([step([['final_answer', 'success']]), step([['search', 'success']])])),
    ).toBe(false);
    expect(
      condition(context([step([['search', 'success']]), step([['final_answer', 'success']])])),
    ).toBe(true);
  });

  it('stops on any one of the names, even a call that failed', () => {
    const condition = hasToolCall('submit', 'final_answer');
    expect(
      condition(
        context([
          step([
            ['search', 'success'],
            ['submit', 'invalid-args'],
          ]),
        ]),
      ),
    ).toBe(true);
    expect(condition(context([step([['Submit', 'success']])]))).toBe(false);
  });
});

describe('hasToolError', () => {
  it.each<[ToolCallOutcome, boolean]>([
    ['success', false],
    ['invalid-args', true],
    ['unknown-tool', true],
    ['execution-error', true],
    ['timeout', true],
    ['denied', true],
    ['aborted', true],
  ])('reads a call that ended %s as %s', (outcome, stops) => {
    expect(
      hasToolError()(
        context([
          step([
            ['a', 'success'],
            ['b', outcome],
          ]),
        ]),
      ),
    ).toBe(stops);
  });

  it('does not stop on an error of an earlier step', () => {
    expect(
      hasToolError()(context([step([['a', 'execution-error']]), step([['a', 'success']])])),
    ).toBe(false);
  });
});

describe('totalTokensExceed on steps', () => {
  it('stops only once the steps together are over the budget, not at it', () => {
    const condition = totalTokensExceed(30);
    expect(condition(context([step([], 10), step([], 20)]))).toBe(false);
    expect(condition(context([step([], 10), step([], 21)]))).toBe(true);
  });

  it('never stops with Infinity, and stops at the first token with 0', () => {
    expect(totalTokensExceed(Number.POSITIVE_INFINITY)(context([step([], 1e12)]))).toBe(false);
    expect(totalTokensExceed(0)(context([step([], 1)]))).toBe(true);
    expect(totalTokensExceed(0)(context([step([], 0)]))).toBe(false);
  });
});

describe('costAbove', () => {
  it.each([
    ['a negative amount', -0.01],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a string with spaces', ' 0.50 '],
    ['a string with a unit', '$0.50'],
    ['more decimals than a pico-dollar', '0.0000000000001'],
    ['an exponent string', '1e3'],
  ])('refuses %s, naming usd', (_, usd) => {
    let thrown: unknown;
    try {
      costAbove(usd);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidArgumentError).argument).toBe('usd');
  });

  it('compares exactly: 0.1 + 0.2 of spending is not over 0.3', () => {
    const condition = costAbove(0.3);
    expect(condition(context([], '0.3'))).toBe(false);
    expect(condition(context([], '0.300000000001'))).toBe(true);
    expect(costAbove('0.30')(context([], '0.3'))).toBe(false);
  });

  it('stops on a cost it cannot know: a budget that cannot be measured is spent', () => {
    expect(costAbove(100)(context([], null))).toBe(true);
  });

  it('adds what was spent elsewhere, read at every check', () => {
    let elsewhere = '0.2';
    const condition = costAbove('0.5', { spent: () => ({ ...zeroCost(), total: elsewhere }) });
    expect(condition(context([], '0.25'))).toBe(false);
    elsewhere = '0.3';
    expect(condition(context([], '0.25'))).toBe(true);
  });

  it('takes 0: any spending at all stops', () => {
    expect(costAbove(0)(context([], '0'))).toBe(false);
    expect(costAbove(0)(context([], '0.000000000001'))).toBe(true);
  });
});

describe.each(RUN_MODES)('stop conditions in a run (%s)', (mode) => {
  const search = defineTool({
    name: 'search',
    description: 'Searches.',
    parameters: z.object({ q: z.string() }),
    execute: ({ q }) => `results for ${q}`,
  });

  it('ends the run after the step whose calls meet one, its calls answered', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['search', { q: 'a' }, 'c1']),
      callsTurn(['search', { q: 'b' }, 'c2']),
      textTurn('never'),
    ]);
    const seen: number[] = [];
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [search],
      stopWhen: ({ steps }) => {
        seen.push(steps.length);
        return steps.length === 2;
      },
    });
    const { result } = await runBothWays(mode, agent, 'Go.');
    expect(result.finishReason).toBe('stop-condition');
    expect(seen).toEqual([1, 2]);
    expect(gemini.calls).toHaveLength(2);
    expect(result.contents.at(-1)?.parts[0]?.functionResponse?.id).toBe('c2');
  });

  it('is not asked after an answer: the answer ends the run anyway', async () => {
    let asked = 0;
    const gemini = createScriptedGemini([textTurn('Hi.')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      stopWhen: () => {
        asked++;
        return true;
      },
    });
    const { result } = await runBothWays(mode, agent, 'Hi');
    expect(result.finishReason).toBe('stop');
    expect(asked).toBe(0);
  });

  it('stops on any of a list, and on the run’s own after the agent’s', async () => {
    const order: string[] = [];
    const gemini = createScriptedGemini([
      callsTurn(['search', { q: 'a' }, 'c1']),
      textTurn('never'),
    ]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [search],
      stopWhen: [
        () => {
          order.push('agent 1');
          return false;
        },
        () => {
          order.push('agent 2');
          return false;
        },
      ],
    });
    const { result } = await runBothWays(mode, agent, 'Go.', {
      stopWhen: () => {
        order.push('run');
        return true;
      },
    });
    expect(order).toEqual(['agent 1', 'agent 2', 'run']);
    expect(result.finishReason).toBe('stop-condition');
  });

  it('sees the run’s cost so far, priced', async () => {
    const costs: (string | null)[] = [];
    const gemini = createScriptedGemini([
      callsTurn(['search', { q: 'a' }, 'c1']),
      textTurn('Done.'),
    ]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [search],
      stopWhen: ({ cost }) => {
        costs.push(cost.total);
        return false;
      },
    });
    const { result } = await runBothWays(mode, agent, 'Go.');
    expect(costs).toHaveLength(1);
    expect(costs[0]).toBe(result.steps[0]?.cost?.total);
    expect(Number(costs[0])).toBeGreaterThan(0);
  });
});
