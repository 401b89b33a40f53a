import { describe, expect, it } from 'vitest';
import type { Cost } from '../../models/cost.ts';
import { CostTotal } from '../../models/cost-total.ts';
import type { AgentRunState } from '../../run/agent-result.ts';
import { TreeBudgetError } from '../errors/tree-budget-error.ts';
import {
  addChildSpent,
  childBudgetShare,
  childBudgetStop,
  childBudgetStopError,
  childRunMeter,
  countChildSpend,
} from './child-run-meter.ts';
import { ChildSpend } from './child-spend.ts';
import type { TreeBudget } from './tree-budget.ts';

const usd = (total: string): Cost => ({
  currency: 'USD',
  total,
  input: total,
  cachedInput: '0',
  output: '0',
  thinking: '0',
});

const usage = (tokens: number) => ({
  promptTokenCount: tokens,
  candidatesTokenCount: 0,
  thoughtsTokenCount: 0,
  toolUsePromptTokenCount: 0,
  cachedContentTokenCount: 0,
  totalTokenCount: tokens,
});

function tree(spent: { steps: number; tokens: number; cost: string }): TreeBudget {
  return {
    maxSteps: 10,
    maxTokens: 1000,
    maxCostUsd: '1',
    steps: spent.steps,
    held: new Set(),
    tokens: spent.tokens,
    cost: new CostTotal(usd(spent.cost)),
  };
}

describe('childBudgetShare', () => {
  it('gives one child all that is left, as plain data', () => {
    const share = childBudgetShare(tree({ steps: 4, tokens: 100, cost: '0.25' }), 1);
    expect(share).toEqual({
      maxSteps: 10,
      maxTokens: 1000,
      maxCostUsd: '1',
      steps: 4,
      tokens: 100,
      cost: usd('0.25'),
    });
    // Plain JSON: a runner stores it in a child workflow's input.
    expect(JSON.parse(JSON.stringify(share))).toEqual(share);
  });

  it('counts the steps under way (their units held) as spent, and copies no held unit (leftovers79a)', () => {
    const budget = tree({ steps: 4, tokens: 100, cost: '0.25' });
    // The parent's step that starts the children, and a sibling's, are under way.
    budget.held.add({});
    budget.held.add({});
    const share = childBudgetShare(budget, 2);
    expect(share.steps).toBe(6);
    expect(share.maxSteps).toBe(6 + 2); // floor((10 - 4 - 2) / 2)
    expect(JSON.parse(JSON.stringify(share))).toEqual(share);
    expect(Object.keys(share)).not.toContain('held');
    // The child's meter holds none of them: its own steps are its own.
    const meter = childRunMeter('worker#1', share);
    expect(meter.budget?.held.size).toBe(0);
    expect(meter.spent()?.steps).toBe(0);
    // All spent or under way: the child may take none.
    const full = tree({ steps: 8, tokens: 0, cost: '0' });
    full.held.add({});
    full.held.add({});
    const none = childBudgetShare(full, 1);
    expect(none.maxSteps).toBeLessThanOrEqual(none.steps);
  });

  it('splits what is left equally among the children of one turn, exactly to the pico-dollar', () => {
    const share = childBudgetShare(tree({ steps: 4, tokens: 100, cost: '0.25' }), 3);
    expect(share.maxSteps).toBe(4 + 2); // floor((10 - 4) / 3)
    expect(share.maxTokens).toBe(100 + 300);
    expect(share.maxCostUsd).toBe('0.5'); // 0.25 + 0.75 / 3
  });

  it('writes no limit for an unbounded dimension and keeps a spent one as it is', () => {
    const budget: TreeBudget = {
      maxSteps: Number.POSITIVE_INFINITY,
      maxTokens: 50,
      maxCostUsd: undefined,
      steps: 1,
      held: new Set(),
      tokens: 80,
      cost: new CostTotal(),
    };
    const share = childBudgetShare(budget, 2);
    expect(share.maxSteps).toBeNull();
    expect(share.maxTokens).toBe(50);
    expect(share.maxCostUsd).toBeNull();
  });

  it('counts a count of children that is not a whole number above one as one', () => {
    const budget = tree({ steps: 0, tokens: 0, cost: '0' });
    for (const children of [0, -2, 1.5, Number.NaN]) {
      expect(childBudgetShare(budget, children).maxSteps).toBe(10);
    }
  });
});

describe('childRunMeter', () => {
  it('starts from what the tree had spent and reports what the child spent itself', () => {
    const meter = childRunMeter(
      'research#1',
      childBudgetShare(tree({ steps: 2, tokens: 40, cost: '0.1' }), 1),
    );
    const budget = meter.budget as TreeBudget;
    expect(budget.maxSteps).toBe(10);
    expect(budget.cost.total.total).toBe('0.1');
    // The loop counts a model step: into the tree's live budget and the call's meter.
    budget.steps += 1;
    budget.tokens += 30;
    budget.cost.addPriced({
      total: 2n * 10n ** 10n,
      input: 2n * 10n ** 10n,
      cachedInput: 0n,
      output: 0n,
      thinking: 0n,
    });
    meter.spend.add(usage(30), usd('0.02'));
    expect(budget.cost.total.total).toBe('0.12');
    expect(meter.spent()).toEqual({ steps: 1, tokens: 30, cost: usd('0.02') });
    expect(meter.record()).toEqual({
      usage: usage(30),
      cost: usd('0.02'),
      children: [],
      spent: { steps: 1, tokens: 30, cost: usd('0.02') },
    });
  });

  it('tees a written cost too (a tool priced its own model call)', () => {
    const meter = childRunMeter(
      'a#1',
      childBudgetShare(tree({ steps: 0, tokens: 0, cost: '0' }), 1),
    );
    meter.budget?.cost.add(usd('0.3'));
    expect(meter.spent()?.cost.total).toBe('0.3');
  });

  it('has no budget and no spent without a tree budget, and still meters the child', () => {
    const meter = childRunMeter('a#1', undefined);
    expect(meter.budget).toBeUndefined();
    expect(meter.spent()).toBeUndefined();
    meter.spend.add(usage(5), usd('0.01'));
    expect(meter.record()).toEqual({ usage: usage(5), cost: usd('0.01'), children: [] });
  });
});

describe('counting a child back in its parent', () => {
  it('adds a record to the call meter and what was spent to the tree', () => {
    const child = childRunMeter(
      'research#1',
      childBudgetShare(tree({ steps: 0, tokens: 0, cost: '0' }), 1),
    );
    const budget = child.budget as TreeBudget;
    budget.steps += 2;
    budget.cost.add(usd('0.05'));
    child.spend.add(usage(12), usd('0.05'));
    child.spend.children.push({ path: ['lookup#1'], usage: usage(4) });
    const record = JSON.parse(JSON.stringify(child.record()));

    const spend = new ChildSpend('research#1');
    const parentTree = tree({ steps: 3, tokens: 10, cost: '0.2' });
    countChildSpend(spend, record);
    addChildSpent(parentTree, record.spent);
    expect(spend.counted).toBe(true);
    expect(spend.usage.totalTokenCount).toBe(12);
    expect(spend.cost.total.total).toBe('0.05');
    expect(spend.children).toEqual([{ path: ['lookup#1'], usage: usage(4) }]);
    expect(parentTree.steps).toBe(5);
    expect(parentTree.cost.total.total).toBe('0.25');
  });

  it('ignores what a hostile row holds instead of a record, and counts a record without a cost as unknown', () => {
    const spend = new ChildSpend('x#1');
    const parentTree = tree({ steps: 1, tokens: 1, cost: '0' });
    for (const row of [null, 'spent', 42, [], { usage: null }]) {
      countChildSpend(spend, row);
      addChildSpent(parentTree, row);
    }
    expect(spend.counted).toBe(false);
    expect(parentTree.steps).toBe(1);
    addChildSpent(parentTree, { steps: 'many', tokens: 2 });
    expect(parentTree.steps).toBe(1);
    expect(parentTree.tokens).toBe(3);
    countChildSpend(spend, { usage: usage(1) });
    expect(spend.cost.total.total).toBeNull();
    // Neither is given a meter or a budget to count into: nothing to do.
    countChildSpend(undefined, { usage: usage(1) });
    addChildSpent(undefined, { steps: 1 });
  });
});

describe('a child run stopped by the tree budget', () => {
  it('is plain data in the child and the same typed error again in the parent', () => {
    const run: AgentRunState = {
      contents: [{ role: 'user', parts: [{ text: 'research' }] }],
      newContents: [],
      steps: [],
      usage: usage(7),
      cost: usd('0.4'),
    };
    const error = new TreeBudgetError({
      limit: 'cost',
      max: '0.5',
      used: '0.6',
      cost: usd('0.6'),
      path: Object.freeze(['research#1']) as readonly string[],
      run,
    });
    const stop = childBudgetStop(error);
    const stored = JSON.parse(JSON.stringify(stop));
    expect(stored).toEqual({
      limit: 'cost',
      max: '0.5',
      used: '0.6',
      cost: usd('0.6'),
      path: ['research#1'],
      run,
    });
    const again = childBudgetStopError(stored);
    expect(TreeBudgetError.isInstance(again)).toBe(true);
    expect(again.message).toBe(error.message);
    expect(again).toMatchObject({ limit: 'cost', max: '0.5', used: '0.6', path: ['research#1'] });
    expect(again.usage).toEqual(usage(7));
  });

  it('is not made of any other error', () => {
    expect(childBudgetStop(new Error('boom'))).toBeUndefined();
    expect(childBudgetStop({ code: 'tree-budget' })).toBeUndefined();
    expect(childBudgetStop(undefined)).toBeUndefined();
  });
});
