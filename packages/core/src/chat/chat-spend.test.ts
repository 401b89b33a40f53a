import { describe, expect, it } from 'vitest';
import { AgentRunError } from '../agent/errors/agent-run-error.ts';
import { SubagentError } from '../agent/errors/subagent-error.ts';
import { emptyUsage } from '../agent/usage.ts';
import { type Cost, unknownCost, zeroCost } from '../models/cost.ts';
import type { AgentRunState, AgentUsage } from '../run/agent-result.ts';
import { ChatBudgetExceededError } from './chat-budget-exceeded-error.ts';
import { ChatSpend } from './chat-spend.ts';
import { latestSessionSpend, nextSessionSpend, readSessionSpend } from './session-spend.ts';

// What a chat conversation has spent, summed over its sends (failed ones too) and carried across
// processes in its stored turns, and its budget turned into each send's run options.

const usd = (total: string): Cost => ({
  currency: 'USD',
  total,
  input: total,
  cachedInput: '0',
  output: '0',
  thinking: '0',
});

const usage = (total: number): AgentUsage => ({
  ...emptyUsage(),
  promptTokenCount: total,
  totalTokenCount: total,
});

const result = (total: string, tokens: number) => ({ usage: usage(tokens), cost: usd(total) });

function runState(cost: Cost | undefined, tokens: number): AgentRunState {
  return { contents: [], newContents: [], steps: [], usage: usage(tokens), cost } as AgentRunState;
}

describe('ChatSpend', () => {
  it('sums the sends exactly (no float drift over many small costs)', () => {
    const spend = new ChatSpend('s', undefined);
    for (let index = 0; index < 10; index++) spend.addResult(result('0.1', 3) as never);
    expect(spend.cost.total).toBe('1');
    expect(spend.usage.totalTokenCount).toBe(30);
  });

  it('hands out copies: changing what it returned changes nothing it holds', () => {
    const spend = new ChatSpend('s', undefined);
    spend.addResult(result('0.5', 10) as never);
    spend.usage.totalTokenCount = 999;
    spend.cost.total = '999';
    const snapshot = spend.snapshot();
    snapshot.usage.totalTokenCount = 1;
    expect(spend.snapshot()).toEqual({ usage: usage(10), cost: usd('0.5') });
  });

  it('goes on from what the stored turns say was spent before this session object', () => {
    const spend = new ChatSpend('s', undefined);
    spend.restore({ usage: usage(100), cost: usd('2.25') });
    spend.addResult(result('0.75', 5) as never);
    expect(spend.snapshot()).toEqual({ usage: usage(105), cost: usd('3') });
  });

  it('counts a run that reported no cost as unknown from then on', () => {
    const spend = new ChatSpend('s', undefined);
    spend.addResult(result('1', 1) as never);
    spend.addResult({ usage: usage(1) } as never);
    spend.addResult(result('1', 1) as never);
    expect(spend.cost.total).toBeNull();
    expect(spend.cost.unknown).toBe('the run reported no cost');
    expect(spend.usage.totalTokenCount).toBe(3);
  });

  it("adds a failed send's spend: a run error's run, a subagent error's tree", () => {
    const spend = new ChatSpend('s', undefined);
    spend.addFailure(new AgentRunError({ message: 'x', run: runState(usd('0.2'), 7) }));
    spend.addFailure(
      new SubagentError({
        message: 'child failed',
        toolName: 'research',
        path: ['research#1'],
        childRun: undefined,
        usage: usage(11),
        cost: usd('0.3'),
        cause: new Error('child failed'),
      }),
    );
    expect(spend.snapshot()).toEqual({ usage: usage(18), cost: usd('0.5') });
  });

  it('adds nothing for an error that says nothing of what was spent', () => {
    const spend = new ChatSpend('s', undefined);
    for (const error of [new Error('network'), 'aborted', null, undefined, { run: { usage: 1 } }])
      spend.addFailure(error);
    expect(spend.snapshot()).toEqual({ usage: emptyUsage(), cost: zeroCost() });
  });

  it("counts a failed run whose error carries no cost (an older copy's) as unknown", () => {
    const spend = new ChatSpend('s', undefined);
    spend.addFailure(new AgentRunError({ message: 'x', run: runState(undefined, 4) }));
    expect(spend.cost.unknown).toBe('the failed run reported no cost');
    expect(spend.usage.totalTokenCount).toBe(4);
  });

  describe('runOptions (the budget)', () => {
    it('passes only the signal without a budget', () => {
      const signal = new AbortController().signal;
      expect(new ChatSpend('s', undefined).runOptions(signal)).toEqual({ signal });
    });

    it("gives the send the rest of the budget as its tree's budget, and stops past the whole", () => {
      const spend = new ChatSpend('s', { maxCostUsd: '1.00' });
      spend.addResult(result('0.4', 1) as never);
      const options = spend.runOptions(undefined);
      expect(options.budget).toEqual({ maxCostUsd: '0.6' });
      const stop = options.stopWhen as (context: { steps: []; cost: Cost }) => boolean;
      // The session's 0.4 plus the run's own so far, against the session's 1.00.
      expect(stop({ steps: [], cost: usd('0.6') })).toBe(false);
      expect(stop({ steps: [], cost: usd('0.600000000001') })).toBe(true);
    });

    it('sends nothing once the budget is spent, with a typed error carrying the spend', () => {
      const spend = new ChatSpend('conversation-7', { maxCostUsd: 0.5 });
      spend.addResult(result('0.51', 9) as never);
      let error: unknown;
      try {
        spend.runOptions(undefined);
      } catch (caught) {
        error = caught;
      }
      expect(ChatBudgetExceededError.isInstance(error)).toBe(true);
      const exceeded = error as ChatBudgetExceededError;
      expect([exceeded.sessionId, exceeded.maxCostUsd, exceeded.cost.total]).toEqual([
        'conversation-7',
        0.5,
        '0.51',
      ]);
      expect(exceeded.usage.totalTokenCount).toBe(9);
    });

    it('lets a send start at exactly the budget spent, with nothing left for its tree', () => {
      const spend = new ChatSpend('s', { maxCostUsd: '0.5' });
      spend.addResult(result('0.5', 1) as never);
      expect(spend.runOptions(undefined).budget).toEqual({ maxCostUsd: '0' });
    });

    it('stops a conversation whose spend cannot be measured (an unknown cost counts as over)', () => {
      const spend = new ChatSpend('s', { maxCostUsd: 100 });
      spend.addResult({ usage: usage(1), cost: unknownCost('no price for the model') } as never);
      expect(() => spend.runOptions(undefined)).toThrow(ChatBudgetExceededError);
    });
  });
});

describe('readSessionSpend (a stored turn’s sessionSpend: hostile bytes)', () => {
  const good = { usage: usage(12), cost: usd('0.25') };

  it('reads a well-formed spend, and only the usage counts it knows', () => {
    expect(readSessionSpend(good)).toEqual(good);
    const extra = { ...good, usage: { ...good.usage, secret: 'x' }, note: 1 };
    expect(readSessionSpend(extra)).toEqual(good);
  });

  it('reads an unknown cost with its reason', () => {
    const spend = readSessionSpend({ usage: usage(1), cost: unknownCost('no price') });
    expect(spend?.cost).toEqual(unknownCost('no price'));
  });

  it.each([
    ['not an object', 'spend'],
    ['null', null],
    ['no usage', { cost: usd('1') }],
    ['no cost', { usage: usage(1) }],
    ['a negative count', { ...good, usage: { ...usage(1), promptTokenCount: -1 } }],
    ['a fractional count', { ...good, usage: { ...usage(1), promptTokenCount: 1.5 } }],
    ['a count past 2^53', { ...good, usage: { ...usage(1), totalTokenCount: 2 ** 53 } }],
    ['a count as a string', { ...good, usage: { ...usage(1), totalTokenCount: '12' } }],
    ['a missing count', { ...good, usage: { promptTokenCount: 1 } }],
    ['another currency', { ...good, cost: { ...usd('1'), currency: 'EUR' } }],
    ['an amount that is no decimal', { ...good, cost: usd('1e3') }],
    ['a negative amount', { ...good, cost: usd('-1') }],
    ['an amount of 41 digits', { ...good, cost: usd('1'.repeat(41)) }],
    ['an unknown cost with an amount', { ...good, cost: { ...usd('1'), unknown: 'why' } }],
  ])('refuses %s (never a wrong total)', (_case, value) => {
    expect(readSessionSpend(value)).toBeUndefined();
  });

  it('does not take a __proto__ key for a count', () => {
    const value = JSON.parse(
      `{"usage":{"__proto__":{"promptTokenCount":5}},"cost":${JSON.stringify(usd('1'))}}`,
    );
    expect(readSessionSpend(value)).toBeUndefined();
  });
});

describe('latestSessionSpend and nextSessionSpend', () => {
  it('takes the newest turn whose spend reads well, skipping broken and missing ones', () => {
    const turns = [
      { sessionSpend: { usage: usage(1), cost: usd('0.1') } },
      { sessionSpend: { usage: usage(2), cost: usd('0.2') } },
      { sessionSpend: { usage: 'corrupt', cost: usd('9') } },
      {},
    ];
    expect(latestSessionSpend(turns)).toEqual({ usage: usage(2), cost: usd('0.2') });
    expect(latestSessionSpend([])).toBeUndefined();
    expect(latestSessionSpend([{}, { sessionSpend: null }])).toBeUndefined();
  });

  it("adds a run's spend to what came before, without changing it", () => {
    const before = { usage: usage(10), cost: usd('1.5') };
    const next = nextSessionSpend(before, result('0.5', 5));
    expect(next).toEqual({ usage: usage(15), cost: usd('2') });
    expect(before).toEqual({ usage: usage(10), cost: usd('1.5') });
    expect(nextSessionSpend(undefined, result('0.5', 5))).toEqual({
      usage: usage(5),
      cost: usd('0.5'),
    });
  });

  it('keeps an unknown cost unknown, and a run without a cost makes it unknown', () => {
    const unknown = { usage: usage(1), cost: unknownCost('no price') };
    expect(nextSessionSpend(unknown, result('1', 1)).cost.total).toBeNull();
    expect(nextSessionSpend(undefined, { usage: usage(1) } as never).cost.unknown).toBe(
      'the run reported no cost',
    );
  });
});
