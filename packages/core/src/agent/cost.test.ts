import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { CostTotal } from '../models/cost-total.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { costAbove } from './cost-above.ts';
import { createAgent } from './create-agent.ts';

// Cost on each step and on the result: the step's usage priced by the shipped table (or the
// agent's `prices`), at the tier that served the call, summed exactly.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(options: Parameters<typeof createFakeGemini>[0]) {
  const fake = createFakeGemini(options);
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => `${word}: found`,
});

// gemini-2.5-flash: $0.30 input, $0.03 cached, $2.50 output (thinking included) per 1M tokens.
const usage = {
  promptTokenCount: 10_000,
  cachedContentTokenCount: 4_000,
  candidatesTokenCount: 200,
  thoughtsTokenCount: 100,
};
// 6000 x 0.30 + 4000 x 0.03 + 200 x 2.50 + 100 x 2.50 = 1800 + 120 + 500 + 250 micro-dollars.
const STEP_COST = {
  currency: 'USD' as const,
  total: '0.00267',
  input: '0.0018',
  cachedInput: '0.00012',
  output: '0.0005',
  thinking: '0.00025',
};

describe('cost', () => {
  it('is on each step and on the result, the same streamed and unary', async () => {
    for (const streaming of [false, true]) {
      const { gemini } = await serve({
        script: [turn.call('lookup', { word: 'a' }, { usage }), turn.text('done', { usage })],
      });
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [lookup] });
      const ended: unknown[] = [];
      let result: Awaited<ReturnType<typeof agent.run>>;
      if (streaming) {
        const stream = agent.stream('Hi');
        for await (const event of stream) {
          if (event.type === 'step-end') ended.push(event.step.cost);
          if (event.type === 'run-end') ended.push(event.result.cost.total);
        }
        result = await stream.result;
        // The event stream shows each step's cost and the run's.
        expect(ended).toEqual([STEP_COST, STEP_COST, '0.00534']);
      } else {
        result = await agent.run('Hi');
      }
      expect(result.steps.map((step) => step.cost)).toEqual([STEP_COST, STEP_COST]);
      expect(result.cost).toEqual({
        currency: 'USD',
        total: '0.00534',
        input: '0.0036',
        cachedInput: '0.00024',
        output: '0.001',
        thinking: '0.0005',
      });
    }
  });

  it('prices the tier that served the call', async () => {
    const { gemini } = await serve({
      script: [
        turn.text('ok', { usage: { promptTokenCount: 1_000_000, candidatesTokenCount: 0 } }),
      ],
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', serviceTier: 'flex' });
    const result = await agent.run('Hi');
    expect(result.steps[0]?.serviceTier).toBe('flex');
    expect(result.cost.total).toBe('0.15');
  });

  it("uses the agent's prices, and gives an unknown cost (not a number) without one", async () => {
    const script = () => [
      turn.text('ok', { usage: { promptTokenCount: 1_000_000, candidatesTokenCount: 1_000_000 } }),
    ];
    const { gemini } = await serve({ script: script(), models: 'pattern' });
    const own = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      prices: (model) =>
        model === 'gemini-2.5-flash'
          ? { input: '0.1', output: '0.2', source: 'my gateway', checked: '2026-11-23' }
          : undefined,
    });
    expect((await own.run('Hi')).cost.total).toBe('0.3');

    const { gemini: other } = await serve({ script: script() });
    const unpriced = createAgent({ gemini: other, model: 'gemini-flash-latest' });
    const result = await unpriced.run('Hi');
    expect(result.cost.total).toBeNull();
    expect(result.cost.unknown).toMatch(/gemini-flash-latest.*prices option/);
    expect(result.steps[0]?.cost.total).toBeNull();
  });

  it('refuses a bad price table at createAgent, naming the price', async () => {
    const { gemini } = await serve({ script: [] });
    expect(() =>
      createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        prices: {
          'gemini-2.5-flash': {
            standard: { input: 'cheap', output: '1', source: '', checked: '' },
          },
        },
      }),
    ).toThrow(
      expect.objectContaining({
        argument: "prices['gemini-2.5-flash'].standard.input",
      }) as InvalidArgumentError,
    );
  });

  it('gives an unknown cost, not a failed run, when a prices function answers a price that is not dollars', async () => {
    // A gateway's per-token price times 1e6 in floats: 0.0000001 * 1e6 is 0.09999999999999999,
    // more decimals than a price holds. The answer was generated and billed: the run keeps it.
    const { gemini } = await serve({
      script: [turn.text('ok', { usage: { promptTokenCount: 1_000, candidatesTokenCount: 10 } })],
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      prices: () => ({ input: 0.0000001 * 1e6, output: 0.4, source: 'gateway', checked: 'now' }),
    });
    const result = await agent.run('Hi');
    expect(result.text).toBe('ok');
    expect(result.cost.total).toBeNull();
    expect(result.cost.unknown).toMatch(
      /prices function.*gemini-2\.5-flash.*standard.*input.*0\.09999999999999999/,
    );
  });
});

describe('costAbove', () => {
  it('ends the run once the cost is over the budget, with the usage and cost so far', async () => {
    for (const streaming of [false, true]) {
      const { fake, gemini } = await serve({
        script: [
          turn.call('lookup', { word: 'a' }, { usage }),
          turn.call('lookup', { word: 'b' }, { usage }),
          turn.call('lookup', { word: 'c' }, { usage }),
          turn.text('never reached', { usage }),
        ],
      });
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [lookup],
        stopWhen: costAbove(0.005), // over after the second step ($0.00534)
      });
      const result = streaming ? await agent.stream('Hi').result : await agent.run('Hi');
      expect(result.finishReason).toBe('stop-condition');
      expect(result.steps).toHaveLength(2);
      expect(fake.requests).toHaveLength(2);
      expect(result.cost.total).toBe('0.00534');
      expect(result.usage.promptTokenCount).toBe(20_000);
    }
  });

  it('counts what was spent elsewhere, and works as a run option', async () => {
    const { gemini } = await serve({
      script: [turn.call('lookup', { word: 'a' }, { usage }), turn.text('not reached', { usage })],
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [lookup] });
    const shared = new CostTotal();
    shared.add({ ...STEP_COST, total: '0.999', input: '0.999' });
    const result = await agent.run('Hi', {
      stopWhen: costAbove('1', { spent: () => shared.total }),
    });
    expect(result.finishReason).toBe('stop-condition');
    expect(result.steps).toHaveLength(1);
  });

  it('stops a run whose cost is unknown, and refuses a budget that is not dollars', async () => {
    const { gemini } = await serve({
      script: [turn.call('lookup', { word: 'a' }, { usage }), turn.text('not reached')],
    });
    const agent = createAgent({ gemini, model: 'gemini-flash-latest', tools: [lookup] });
    const result = await agent.run('Hi', { stopWhen: costAbove(100) });
    expect(result.finishReason).toBe('stop-condition');
    expect(result.cost.unknown).toBeDefined();
    expect(() => costAbove(-1)).toThrow(InvalidArgumentError);
    expect(() => costAbove(Number.NaN)).toThrow(/non-negative number/);
  });
});
