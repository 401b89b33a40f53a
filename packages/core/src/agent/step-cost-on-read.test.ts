import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { addCosts } from '../models/add-costs.ts';
import { type Cost, zeroCost } from '../models/cost.ts';
import type { Pricer } from '../models/pricer.ts';
import { costOf } from '../pricing/cost-of.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { callsTurn, createScriptedGemini, textTurn } from './__fixtures__/scripted-gemini.ts';
import { createAgent } from './create-agent.ts';
import { definePlugin } from './plugins/define-plugin.ts';

// Issue 53: a model step's cost is priced when first read (its `cost`, the run's total), not in
// every step: pricing and writing five dollar amounts per step was most of the default step's gap
// to d5ff9c8 (helper step-cut). Nothing a reader sees changes but the property's descriptor; a
// budget and a pricer of the user's still price each call as it ends.

const MODEL = 'gemini-2.5-flash';
// The scripted turns' usage: 10 prompt and 5 answer tokens.
const USAGE = { promptTokenCount: 10, candidatesTokenCount: 5 };

const step = defineTool({
  name: 'step',
  description: 'One more step.',
  parameters: z.object({ n: z.number() }),
  execute: ({ n }) => ({ n }),
});

/** A price table over gemloop's whose input rate counts its reads: once a pricing. */
function countingPrices() {
  const counter = { reads: 0 };
  const standard = {
    get input() {
      counter.reads++;
      return '0.30';
    },
    output: '2.50',
    source: 'a test',
    checked: '2026-11-28',
  };
  const prices = { [MODEL]: { standard } };
  return { counter, prices, table: { [MODEL]: { standard: { ...standard, input: '0.30' } } } };
}

function script(calls: number) {
  return createScriptedGemini([
    ...Array.from({ length: calls - 1 }, (_, index) => callsTurn(['step', { n: index }])),
    textTurn('done'),
  ]);
}

const oneCall = (): Cost => costOf(USAGE, MODEL);

describe("a model step's cost, priced when read", () => {
  for (const streaming of [false, true]) {
    it(`prices no call while the run goes, each once when its total is read (${streaming ? 'stream' : 'run'})`, async () => {
      const { counter, prices, table } = countingPrices();
      const readsAtStepEnd: number[] = [];
      const agent = createAgent({
        gemini: script(3),
        model: MODEL,
        tools: [step],
        prices,
        onStepEnd: () => {
          readsAtStepEnd.push(counter.reads);
        },
      });
      counter.reads = 0; // createAgent checked the table
      const result = streaming ? await agent.stream('Go.').result : await agent.run('Go.');
      expect(result.steps).toHaveLength(3);
      expect(readsAtStepEnd).toEqual([0, 0, 0]);
      // Nothing priced when the run ended: the result's total sums every call's price, each asked
      // once, when it is first read.
      expect(counter.reads).toBe(0);
      const each = costOf(USAGE, MODEL, undefined, table);
      expect(result.cost).toEqual(addCosts(addCosts(each, each), each));
      expect(counter.reads).toBe(3);
      // A step keeps nothing beside its own data (no record of the price the total asked): reading
      // its cost prices the call again, once, and leaves it a plain data property.
      expect(result.steps.map((each) => each.cost)).toEqual([each, each, each]);
      expect(result.steps[0]?.cost).toBe(result.steps[0]?.cost);
      expect(counter.reads).toBe(6);
    });
  }

  it('prices a step read in onStepEnd then, once for the step and once for the total', async () => {
    const { counter, prices } = countingPrices();
    const costs: Cost[] = [];
    const agent = createAgent({
      gemini: script(2),
      model: MODEL,
      tools: [step],
      prices,
      onStepEnd: (ended) => {
        costs.push(ended.cost);
        costs.push(ended.cost);
      },
    });
    counter.reads = 0;
    const result = await agent.run('Go.');
    expect(costs[0]).toBe(costs[1]);
    expect(counter.reads).toBe(2);
    expect(result.cost).toEqual(addCosts(costs[0] as Cost, costs[2] as Cost));
    expect(counter.reads).toBe(4);
  });

  it('shows the cost as an own enumerable accessor, and the same data as a plain property to a copy', async () => {
    const agent = createAgent({ gemini: script(2), model: MODEL, tools: [step] });
    const result = await agent.run('Go.');
    const [first, last] = result.steps;
    if (first === undefined || last === undefined) throw new Error('two steps expected');
    const descriptor = Object.getOwnPropertyDescriptor(first, 'cost');
    expect(descriptor).toMatchObject({ enumerable: true, configurable: true });
    expect(typeof descriptor?.get).toBe('function');
    // One getter for every step (one shape), no closure per step.
    expect(Object.getOwnPropertyDescriptor(last, 'cost')?.get).toBe(descriptor?.get);
    // In its place among the keys, after `usage`, as JSON and spreads have always shown it.
    const keys = Object.keys(first);
    expect(keys.indexOf('cost')).toBe(keys.indexOf('usage') + 1);
    const plain = { ...first };
    expect(Object.getOwnPropertyDescriptor(plain, 'cost')).toMatchObject({
      value: oneCall(),
      writable: true,
    });
    expect(JSON.stringify(first)).toBe(JSON.stringify(plain));
    expect(JSON.parse(JSON.stringify(first)).cost).toEqual(oneCall());
    expect(structuredClone(first)).toEqual(plain);
    expect(first).toEqual(plain);
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
  });

  it('reads a frozen step, never read before; refuses an assignment to it as a data property would', async () => {
    const agent = createAgent({ gemini: script(1), model: MODEL });
    const result = await agent.run('Go.');
    const only = Object.freeze(result.steps[0]);
    if (only === undefined) throw new Error('a step expected');
    expect(only.cost).toEqual(oneCall());
    expect(() => {
      (only as { cost: Cost }).cost = zeroCost();
    }).toThrow(TypeError);
    expect(only.cost).toEqual(oneCall());
  });

  it('takes an assignment, before or after a read; the run keeps the call it priced', async () => {
    const agent = createAgent({ gemini: script(2), model: MODEL, tools: [step] });
    const result = await agent.run('Go.');
    const [first, last] = result.steps;
    if (first === undefined || last === undefined) throw new Error('two steps expected');
    const replaced = { ...zeroCost(), total: '1' };
    first.cost = replaced;
    expect(first.cost).toBe(replaced);
    expect(last.cost).toEqual(oneCall());
    last.cost = replaced;
    expect(last.cost).toBe(replaced);
    expect(JSON.parse(JSON.stringify(last)).cost).toEqual(replaced);
    expect(result.cost).toEqual(addCosts(oneCall(), oneCall()));
  });

  it("counts a call whose step a wrapper dropped (a retry) in the result's total", async () => {
    const { counter, prices, table } = countingPrices();
    const retry = definePlugin({
      name: 'retry',
      wrapModelCall: async (call, next) => {
        const first = await next(call);
        return first.text.includes('draft') ? next(call) : first;
      },
    });
    const gemini = createScriptedGemini([textTurn('A draft.'), textTurn('The answer.')]);
    const agent = createAgent({ gemini, model: MODEL, prices, plugins: [retry] });
    counter.reads = 0;
    const result = await agent.run('Write.');
    expect(gemini.calls).toHaveLength(2);
    expect(result.steps).toHaveLength(1);
    const each = costOf(USAGE, MODEL, undefined, table);
    expect(result.cost).toEqual(addCosts(each, each));
    expect(result.usage.totalTokenCount).toBe(30);
    expect(counter.reads).toBe(2);
  });

  it("calls a user's pricer once per call, as the call ends, never at a read", async () => {
    const calledAt: number[] = [];
    let stepsEnded = 0;
    const pricer: Pricer = {
      name: 'flat',
      price: vi.fn(() => {
        calledAt.push(stepsEnded);
        return { ...zeroCost(), total: '0.5', input: '0.5' };
      }),
    };
    const agent = createAgent({
      gemini: script(3),
      model: MODEL,
      tools: [step],
      prices: pricer,
      onStepEnd: () => {
        stepsEnded++;
      },
    });
    const result = await agent.run('Go.');
    // Each call priced before its step ended: the first before any, and so on.
    expect(calledAt).toEqual([0, 1, 2]);
    expect(result.cost.total).toBe('1.5');
    expect(result.steps.map((each) => each.cost.total)).toEqual(['0.5', '0.5', '0.5']);
    expect(pricer.price).toHaveBeenCalledTimes(3);
  });

  it('calls a prices function as each call ends, never at a read', async () => {
    const calledAt: number[] = [];
    let stepsEnded = 0;
    const agent = createAgent({
      gemini: script(2),
      model: MODEL,
      tools: [step],
      prices: () => {
        calledAt.push(stepsEnded);
        return { input: '0.30', output: '2.50', source: 'a test', checked: '2026-11-28' };
      },
      onStepEnd: () => {
        stepsEnded++;
      },
    });
    const result = await agent.run('Go.');
    expect(calledAt).toEqual([0, 1]);
    expect(result.steps.map((each) => each.cost)).toEqual([oneCall(), oneCall()]);
    expect(calledAt).toHaveLength(2);
  });

  it('prices each call as it ends under a cost budget, and stops at the same call', async () => {
    const { counter, prices } = countingPrices();
    const readsAtStepEnd: number[] = [];
    const agent = createAgent({
      gemini: script(5),
      model: MODEL,
      tools: [step],
      prices,
      onStepEnd: () => {
        readsAtStepEnd.push(counter.reads);
      },
    });
    counter.reads = 0;
    // One call costs 0.0000155 dollars: the third call passes 0.00004, so the fourth is refused.
    const error = await agent
      .run('Go.', { budget: { maxCostUsd: '0.00004' } })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'TreeBudgetError', limit: 'cost' });
    expect(readsAtStepEnd).toEqual([1, 2, 3]);
    expect((error as { run: { steps: unknown[] } }).run.steps).toHaveLength(3);
  });

  it("sums the result's cost when first read: the same figure on each read, plain data to a copy", async () => {
    const twoSteps = () =>
      createAgent({ gemini: script(2), model: MODEL, tools: [step] }).run('Go.');
    const result = await twoSteps();
    const descriptor = Object.getOwnPropertyDescriptor(result, 'cost');
    expect(typeof descriptor?.get).toBe('function');
    // One getter for every result (one map), as the steps'.
    const again = await twoSteps();
    expect(Object.getOwnPropertyDescriptor(again, 'cost')?.get).toBe(descriptor?.get);
    const keys = Object.keys(result);
    expect(keys.indexOf('cost')).toBe(keys.indexOf('usage') + 1);
    const first = result.cost;
    expect(first).toEqual(addCosts(oneCall(), oneCall()));
    expect(result.cost).toBe(first);
    expect(result.cost).toEqual(first);
    expect(Object.getOwnPropertyDescriptor(result, 'cost')).toMatchObject({
      value: first,
      writable: true,
      enumerable: true,
    });
    const plain = { ...again };
    expect(Object.getOwnPropertyDescriptor(plain, 'cost')).toMatchObject({ value: first });
    expect(Object.getOwnPropertySymbols(plain)).toEqual([]);
    expect(JSON.parse(JSON.stringify(again)).cost).toEqual(first);
    expect(again).toEqual(plain);
    const frozen = Object.freeze(await twoSteps());
    expect(frozen.cost).toEqual(first);
    expect(frozen.cost).toEqual(first);
    expect(() => {
      (frozen as { cost: Cost }).cost = zeroCost();
    }).toThrow(TypeError);
  });

  it('prices a step read after the run ended at the model and tier that served it (a call sent to another model)', async () => {
    const OTHER = 'gemini-2.5-pro';
    const route = definePlugin({
      name: 'route',
      wrapModelCall: (call, next) => next({ ...call, model: OTHER }),
    });
    const flexTurn = textTurn('done');
    flexTurn.usageMetadata = { ...flexTurn.usageMetadata, serviceTier: 'flex' };
    const agent = createAgent({
      gemini: createScriptedGemini([flexTurn]),
      model: MODEL,
      plugins: [route],
    });
    const result = await agent.run('Go.');
    const [only] = result.steps;
    if (only === undefined) throw new Error('a step expected');
    expect(only.model).toBe(OTHER);
    expect(only.serviceTier).toBe('flex');
    expect(typeof Object.getOwnPropertyDescriptor(only, 'cost')?.get).toBe('function');
    const served = costOf(USAGE, OTHER, 'flex');
    expect(served).not.toEqual(costOf(USAGE, MODEL, 'flex'));
    expect(served).not.toEqual(costOf(USAGE, OTHER));
    expect(only.cost).toEqual(served);
    expect(result.cost).toEqual(served);
  });
});
