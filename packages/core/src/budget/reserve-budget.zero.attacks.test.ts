import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { PluginError } from '../agent/plugins/plugin-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createBudgetPool } from './budget-pool.ts';
import { reserveBudget } from './reserve-budget.ts';

// Attack (econ2, economy68's leftover): a reservation of $0 (`usd: 0`, or an estimate function
// answering 0). The run was ended once it had spent its hold, checked after each call: with
// nothing held, its first paid call went through, and every run of the pool could make one. A
// hold of $0 covers no model call: refused when the plugin is made (a number), or when the run
// starts (a function's answer), naming `reserveBudget.usd`; nothing is sent, nothing held.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const usage = { promptTokenCount: 100_000, candidatesTokenCount: 1_000 };

describe('reserveBudget with a hold of $0', () => {
  it('is refused when made, naming usd and what to do instead', () => {
    const pool = createBudgetPool({ name: 'team', maxCostUsd: 1 });
    let error: unknown;
    try {
      reserveBudget({ pool, usd: 0 });
    } catch (caught) {
      error = caught;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ argument: 'reserveBudget.usd' });
    expect((error as Error).message).toMatch(/no model call/);
  });

  for (const streamed of [false, true])
    it(`(${streamed ? 'streamed' : 'unary'}) sends nothing when the run's usd function answers 0`, async () => {
      const fake = createFakeGemini({ script: [turn.text('Paid.', { usage })] });
      fakes.push(fake);
      const { url } = await fake.listen();
      const pool = createBudgetPool({ name: 'team', maxCostUsd: 1 });
      const agent = createAgent({
        gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
        model: 'gemini-2.5-flash',
        plugins: [reserveBudget({ pool, usd: () => 0 })],
      });
      const done = streamed ? agent.stream('Hi.').result : agent.run('Hi.');
      const error = await done.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(PluginError.isInstance(error)).toBe(true);
      expect(InvalidArgumentError.isInstance((error as PluginError).cause)).toBe(true);
      expect(fake.requests).toHaveLength(0);
      expect(await pool.read()).toEqual({ spentUsd: 0, reservedUsd: 0, maxCostUsd: 1 });
    });
});
