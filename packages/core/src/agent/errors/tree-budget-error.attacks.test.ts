// leftovers80: a steps budget counts the steps under way with the steps taken (leftovers79a), so its
// message may not say they were all "used": a step held from its check has not necessarily ended.

import { describe, expect, it } from 'vitest';
import type { AgentRunState } from '../../run/agent-result.ts';
import { TreeBudgetError } from './tree-budget-error.ts';

const run = {
  contents: [],
  newContents: [],
  steps: [],
  usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
} as unknown as AgentRunState;
const cost = { total: '0', unknown: undefined } as never;

describe('TreeBudgetError says what a steps count is', () => {
  it('names the steps taken or under way, not steps used', () => {
    const error = new TreeBudgetError({ limit: 'steps', max: 3, used: 3, cost, path: [], run });
    expect(error.message).not.toContain('used 3 model steps');
    expect(error.message).toContain('3 model steps taken or under way');
    expect(error.message).toContain('its budget is 3 (options.budget.maxSteps)');
    expect(error.used).toBe(3);
  });

  it('keeps "used" for tokens and dollars, which count only what calls reported', () => {
    const tokens = new TreeBudgetError({
      limit: 'tokens',
      max: 10,
      used: 12,
      cost,
      path: ['a'],
      run,
    });
    expect(tokens.message).toContain('The run tree used 12 tokens');
    const dollars = new TreeBudgetError({
      limit: 'cost',
      max: '1',
      used: '1.5',
      cost,
      path: [],
      run,
    });
    expect(dollars.message).toContain('The run tree used $1.5');
  });
});
