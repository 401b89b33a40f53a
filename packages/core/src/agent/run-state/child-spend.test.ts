import { describe, expect, it } from 'vitest';
import type { Cost } from '../../models/cost.ts';
import { unknownCost, zeroCost } from '../../models/cost.ts';
import type { AgentUsage, AgentUsageByAgent } from '../../run/agent-result.ts';
import { emptyUsage } from '../usage.ts';
import { ChildSpend, settleChildSpend } from './child-spend.ts';

// What a subagent call spent is spent, however the child ended (issue 31): the meter a child run
// adds to as its model calls are counted, and how a call that ended without a result of its own
// gets that spending on its record and in the run's per-agent split.

const usage = (total: number, prompt = total): AgentUsage => ({
  ...emptyUsage(),
  promptTokenCount: prompt,
  totalTokenCount: total,
});

const dollars = (total: string): Cost => ({ ...zeroCost(), total, input: total });

describe('ChildSpend', () => {
  it('starts uncounted, with no usage and no cost', () => {
    const spend = new ChildSpend('research#1');
    expect(spend.counted).toBe(false);
    expect(spend.usage).toEqual(emptyUsage());
    expect(spend.cost.total.total).toBe('0');
  });

  it('sums each model call exactly, to the pico-dollar', () => {
    const spend = new ChildSpend('research#1');
    spend.add(usage(10), dollars('0.1'));
    spend.add(usage(20), dollars('0.2'));
    expect(spend.counted).toBe(true);
    expect(spend.usage.totalTokenCount).toBe(30);
    expect(spend.cost.total.total).toBe('0.3');
  });

  it('counts nothing for a count a hostile row holds (negative, NaN, Infinity), and keeps the rest', () => {
    const spend = new ChildSpend('x#1');
    spend.add(
      { ...usage(5), candidatesTokenCount: -100, thoughtsTokenCount: Number.NaN },
      dollars('0'),
    );
    spend.add({ ...usage(5), cachedContentTokenCount: Number.POSITIVE_INFINITY }, dollars('0'));
    expect(spend.usage).toEqual({ ...emptyUsage(), promptTokenCount: 10, totalTokenCount: 10 });
  });

  it('becomes unknown once one call had no price, and stays so', () => {
    const spend = new ChildSpend('x#1');
    spend.add(usage(1), dollars('0.5'));
    spend.add(usage(1), unknownCost('no price for tuned model'));
    spend.add(usage(1), dollars('0.5'));
    expect(spend.cost.total.total).toBeNull();
    expect(spend.usage.totalTokenCount).toBe(3);
  });

  it('splits by agent: the child’s own usage less its children’s, then each below it', () => {
    const spend = new ChildSpend('research#1');
    spend.add(usage(100, 60), dollars('0'));
    spend.children.push(
      { path: ['fetch#1'], usage: usage(30, 20) },
      { path: ['fetch#2', 'parse#1'], usage: usage(10, 5) },
    );
    expect(spend.byAgent()).toEqual([
      { path: ['research#1'], usage: usage(60, 35) },
      { path: ['research#1', 'fetch#1'], usage: usage(30, 20) },
      { path: ['research#1', 'fetch#2', 'parse#1'], usage: usage(10, 5) },
    ]);
    // The meter itself is not changed by being read.
    expect(spend.usage.totalTokenCount).toBe(100);
  });
});

describe('settleChildSpend', () => {
  const link = () => ({
    callSpend: new Map<number, ChildSpend>(),
    childUsage: [] as AgentUsageByAgent[],
  });

  it('gives a call that ended without a result what its child spent, as a copy, and the split', () => {
    const run = link();
    const spend = new ChildSpend('research#1');
    spend.add(usage(40), dollars('0.04'));
    run.callSpend.set(2, spend);
    const record: { usage?: AgentUsage; cost?: Cost } = {};
    const priced = settleChildSpend(run, 2, record);
    expect(record.usage).toEqual(usage(40));
    expect(record.usage).not.toBe(spend.usage);
    expect(record.cost?.total).toBe('0.04');
    expect(priced).toBeDefined();
    expect(run.childUsage).toEqual([{ path: ['research#1'], usage: usage(40) }]);
    // Settled once: the meter is gone from the run's map.
    expect(run.callSpend.has(2)).toBe(false);
    expect(settleChildSpend(run, 2, {})).toBeUndefined();
  });

  it('keeps the usage a call’s result reported, and drops the meter', () => {
    const run = link();
    const spend = new ChildSpend('research#1');
    spend.add(usage(40), dollars('0.04'));
    run.callSpend.set(0, spend);
    const record = { usage: usage(45), cost: dollars('0.05') };
    expect(settleChildSpend(run, 0, record)).toBeUndefined();
    expect(record.usage).toEqual(usage(45));
    expect(record.cost.total).toBe('0.05');
    expect(run.childUsage).toEqual([]);
    expect(run.callSpend.size).toBe(0);
  });

  it('adds nothing for a child that never called a model', () => {
    const run = link();
    run.callSpend.set(1, new ChildSpend('idle#1'));
    const record: { usage?: AgentUsage } = {};
    expect(settleChildSpend(run, 1, record)).toBeUndefined();
    expect(record.usage).toBeUndefined();
    expect(run.childUsage).toEqual([]);
  });

  it('does nothing for a call that started no child', () => {
    const run = link();
    const record: { usage?: AgentUsage } = {};
    expect(settleChildSpend(run, 7, record)).toBeUndefined();
    expect(record).toEqual({});
  });

  it('settles each call of a turn with its own child only', () => {
    const run = link();
    const first = new ChildSpend('a#1');
    first.add(usage(1), dollars('0.01'));
    const second = new ChildSpend('b#1');
    second.add(usage(2), dollars('0.02'));
    run.callSpend.set(0, first);
    run.callSpend.set(1, second);
    const records: { usage?: AgentUsage; cost?: Cost }[] = [{}, {}];
    settleChildSpend(run, 1, records[1] as object);
    settleChildSpend(run, 0, records[0] as object);
    expect(records.map((record) => record.usage?.totalTokenCount)).toEqual([1, 2]);
    expect(records.map((record) => record.cost?.total)).toEqual(['0.01', '0.02']);
    expect(run.childUsage.map((entry) => entry.path)).toEqual([['b#1'], ['a#1']]);
  });
});
