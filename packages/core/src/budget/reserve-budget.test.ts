import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { agentTurnsOf } from '../agent/agent-turns.ts';
import { createAgent } from '../agent/create-agent.ts';
import { PluginError } from '../agent/plugins/plugin-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createBudgetPool } from './budget-pool.ts';
import { BudgetReservationError } from './budget-reservation-error.ts';
import { reserveBudget } from './reserve-budget.ts';

const MODEL = 'gemini-3-flash-preview';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(
  script: Parameters<typeof createFakeGemini>[0] extends infer O
    ? O extends { script?: infer S }
      ? S
      : never
    : never,
) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a city up.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, temperature: 21 }),
});

describe('reserveBudget with an in-process pool', () => {
  it('lets runs started at once take only what the pool holds, and settles each with its cost', async () => {
    // The model answers once all 5 runs asked for their hold: no run ends (and frees what it
    // held) before the last one asked.
    let asked = 0;
    let everyoneAsked: () => void = () => {};
    const allAsked = new Promise<void>((resolve) => {
      everyoneAsked = resolve;
    });
    const { fake, gemini } = await serve(async () => {
      await allAsked;
      return turn.text('OK');
    });
    const pool = createBudgetPool({ name: 'team', maxCostUsd: 0.01 });
    const counted = {
      ...pool,
      reserve: (usd: number) =>
        pool.reserve(usd).finally(() => {
          asked++;
          if (asked === 5) everyoneAsked();
        }),
    };
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [reserveBudget({ pool: counted, usd: 0.003 })],
    });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => agent.run('Hi')));
    const done = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason] : [],
    );
    // 3 × 0.003 fit in 0.01; the 4th and 5th are refused before any call.
    expect(done).toHaveLength(3);
    expect(refused).toHaveLength(2);
    for (const error of refused) {
      expect(PluginError.isInstance(error)).toBe(true);
      expect(BudgetReservationError.isInstance((error as PluginError).cause)).toBe(true);
      expect((error as PluginError).cause).toMatchObject({ pool: 'team', requestedUsd: 0.003 });
    }
    expect(fake.modelRequests).toHaveLength(3);
    const state = await pool.read();
    expect(state.reservedUsd).toBeCloseTo(0, 12);
    const spent = done.reduce((sum, outcome) => sum + Number(outcome.value.cost.total), 0);
    expect(state.spentUsd).toBeCloseTo(spent, 12);
    expect(spent).toBeGreaterThan(0);
  });

  it('ends a run that spent its reservation after that step, with a history that can go on', async () => {
    const { gemini } = await serve([
      turn.call('lookup', { city: 'Paris' }),
      turn.call('lookup', { city: 'Oslo' }),
      turn.text('Done.'),
    ]);
    const pool = createBudgetPool({ maxCostUsd: 1 });
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookup],
      plugins: [reserveBudget({ pool, usd: 1e-9 })],
    });
    const result = await agent.run('Weather?');
    expect(result.finishReason).toBe('plugin');
    expect(result.steps).toHaveLength(1);
    expect(result.stoppedBy?.reason).toContain('spent its reservation');
    expect((await pool.read()).spentUsd).toBeCloseTo(Number(result.cost.total), 12);
  });

  it('keeps its hold on a durable replay (startRun is recorded) and counts the run once', async () => {
    const { fake, gemini } = await serve(() => turn.text('OK'));
    const pool = createBudgetPool({ maxCostUsd: 1 });
    let reserves = 0;
    const counting = {
      ...pool,
      reserve: (usd: number) => {
        reserves++;
        return pool.reserve(usd);
      },
    };
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [reserveBudget({ pool: counting, usd: 0.5 })],
    });
    // What a durable runner does with a hook marked recorded: the first execution stores its
    // result, a replay (the execution that takes a crashed run over) gets it back.
    const records = new Map<string, unknown>();
    const recordHook = async (name: string, call: () => Promise<unknown>) => {
      if (!records.has(name)) records.set(name, await call());
      return records.get(name);
    };
    const execute = async () => {
      const stream = agentTurnsOf(agent).stream('Hi', undefined, undefined, undefined, recordHook);
      for await (const _ of stream) {
        // drain
      }
      return stream.result;
    };
    const first = await execute();
    await execute();
    expect(reserves).toBe(1);
    expect([...records.keys()]).toEqual(['plugin:reserve-budget:startRun:0']);
    expect(await pool.read()).toEqual({
      spentUsd: Number(first.cost.total),
      reservedUsd: 0,
      maxCostUsd: 1,
    });
    expect(fake.modelRequests).toHaveLength(2);
  });

  it('refuses bad options with typed errors', () => {
    expect(() => createBudgetPool({ maxCostUsd: -1 })).toThrow(InvalidArgumentError);
    expect(() => reserveBudget({ pool: {} as never, usd: 1 })).toThrow(InvalidArgumentError);
    expect(() =>
      reserveBudget({ pool: createBudgetPool({ maxCostUsd: 1 }), usd: Number.NaN }),
    ).toThrow(InvalidArgumentError);
  });
});
