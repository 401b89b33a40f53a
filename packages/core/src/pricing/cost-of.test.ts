import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { addCosts } from '../models/add-costs.ts';
import { zeroCost } from '../models/cost.ts';
import { CostTotal } from '../models/cost-total.ts';
import { picosToDollars } from '../models/usd.ts';
import { writeCost } from '../models/write-cost.ts';
import { costOf, costPicosOf, priceOf } from './cost-of.ts';
import { knownPrices } from './known-prices.ts';

describe('costOf', () => {
  it('bills uncached input, cached input, output and thinking (at the output rate) exactly', () => {
    // gemini-2.5-flash: $0.30 in, $0.03 cached, $2.50 out per 1M tokens.
    const cost = costOf(
      {
        promptTokenCount: 1_000,
        cachedContentTokenCount: 400,
        candidatesTokenCount: 100,
        thoughtsTokenCount: 50,
        toolUsePromptTokenCount: 10,
      },
      'gemini-2.5-flash',
    );
    expect(cost).toEqual({
      currency: 'USD',
      input: '0.000183', // (600 + 10) x 0.30e-6
      cachedInput: '0.000012', // 400 x 0.03e-6
      output: '0.00025', // 100 x 2.50e-6
      thinking: '0.000125', // 50 x 2.50e-6
      total: '0.00057',
    });
  });

  it('takes the long-context rates over 200k prompt tokens, and the audio rate for audio', () => {
    const long = costOf(
      { promptTokenCount: 200_001, candidatesTokenCount: 0 },
      'models/gemini-2.5-pro',
    );
    expect(long.input).toBe('0.5000025'); // 200001 x $2.50/M
    expect(costOf({ promptTokenCount: 200_000 }, 'gemini-2.5-pro').input).toBe('0.25');
    const audio = costOf(
      {
        promptTokenCount: 1_000,
        promptTokensDetails: [
          { modality: 'AUDIO', tokenCount: 800 },
          { modality: 'TEXT', tokenCount: 200 },
        ],
      },
      'gemini-2.5-flash',
    );
    expect(audio.input).toBe('0.00086'); // 800 x $1.00/M + 200 x $0.30/M
  });

  it('prices flex and batch at half, standard for unspecified, and priority as unknown', () => {
    const usage = { promptTokenCount: 1_000_000, candidatesTokenCount: 1_000_000 };
    expect(costOf(usage, 'gemini-2.5-flash', 'standard').total).toBe('2.8');
    expect(costOf(usage, 'gemini-2.5-flash', 'unspecified').total).toBe('2.8');
    expect(costOf(usage, 'gemini-2.5-flash', 'flex').total).toBe('1.4');
    expect(costOf(usage, 'gemini-2.5-flash', 'batch').total).toBe('1.4');
    const priority = costOf(usage, 'gemini-2.5-flash', 'priority');
    expect(priority.total).toBeNull();
    expect(priority.unknown).toContain('priority');
  });

  it('gives an unknown cost, never a number, for an unknown model or an unpriced kind of token', () => {
    const unknownModel = costOf({ promptTokenCount: 10 }, 'my-gateway-model');
    expect(unknownModel).toMatchObject({ total: null, input: null, output: null });
    expect(unknownModel.unknown).toMatch(/no price for my-gateway-model.*prices option/);
    // Flex cached input is unpriced: a call with cached tokens has no known cost...
    const cachedFlex = costOf(
      { promptTokenCount: 100, cachedContentTokenCount: 50 },
      'gemini-2.5-flash',
      'flex',
    );
    expect(cachedFlex.unknown).toMatch(/cached input/);
    // ...and one without cached tokens does.
    expect(costOf({ promptTokenCount: 100 }, 'gemini-2.5-flash', 'flex').total).toBe('0.000015');
    // No tokens cost nothing, priced or not.
    expect(costOf({}, 'my-gateway-model')).toEqual(zeroCost());
  });

  it('gives an unknown cost naming a count that is no whole number of tokens, never the cost of none', () => {
    // Read as 0 before, each of these gave a known cost (attack58b): `-10` output tokens cost $0.
    for (const [field, bad, shown] of [
      // A count given as a string is told as one (leftovers82).
      ['promptTokenCount', '10', 'the string "10"'],
      ['candidatesTokenCount', -10, '-10'],
      ['thoughtsTokenCount', 1e300, '1e+300'],
      ['cachedContentTokenCount', Number.NaN, 'NaN'],
      ['toolUsePromptTokenCount', 1.5, '1.5'],
    ] as const) {
      const cost = costOf({ promptTokenCount: 100, [field]: bad }, 'gemini-2.5-flash');
      expect(cost).toMatchObject({ total: null, input: null, output: null, thinking: null });
      expect(cost.unknown).toBe(
        `the usage's ${field} ${shown} is not a whole number of tokens, so what it cost is unknown`,
      );
      // Whatever the model: no price is needed to know the counts cannot be priced.
      expect(costOf({ [field]: bad }, 'my-gateway-model').unknown).toContain(field);
    }
    // An audio entry's count is priced (at the audio rate), so it is checked too.
    const audio = costOf(
      {
        promptTokenCount: 100,
        promptTokensDetails: [null, { modality: 'AUDIO', tokenCount: 'x' }] as never,
      },
      'gemini-2.5-flash',
    );
    expect(audio.unknown).toMatch(/promptTokensDetails AUDIO tokenCount "x"/);
  });

  it('reads an absent or null count as none, and leaves details it does not price alone', () => {
    expect(costOf({ promptTokenCount: null, candidatesTokenCount: 0 } as never, 'x')).toEqual(
      zeroCost(),
    );
    const cost = costOf(
      {
        promptTokenCount: 1_000,
        candidatesTokenCount: null,
        promptTokensDetails: [5, { modality: 'TEXT', tokenCount: 'x' }] as never,
        cacheTokensDetails: {} as never,
      } as never,
      'gemini-2.5-flash',
    );
    expect(cost.total).toBe('0.0003');
  });

  it('uses prices given as a table or a function over the shipped ones', () => {
    const usage = { promptTokenCount: 1_000_000 };
    const table = {
      'gemini-2.5-flash': {
        standard: { input: '0.2', output: 1, source: 'gateway', checked: '2026-11-23' },
      },
    };
    expect(costOf(usage, 'gemini-2.5-flash', undefined, table).total).toBe('0.2');
    // Not in the table: the shipped price (1M prompt tokens is long context on 2.5 Pro: $2.50).
    expect(costOf(usage, 'gemini-2.5-pro', undefined, table).total).toBe('2.5');
    const lookup = (model: string) =>
      model === 'cometapi-gemini' ? { input: 0.24, output: 2, source: 'x', checked: 'y' } : null;
    expect(costOf(usage, 'cometapi-gemini', undefined, lookup).total).toBe('0.24');
    // null from the function: unknown, no fallback to the shipped table.
    expect(costOf(usage, 'gemini-2.5-flash', undefined, lookup).total).toBeNull();
    expect(() =>
      costOf(usage, 'gemini-2.5-flash', undefined, {
        'gemini-2.5-flash': {
          standard: { input: '0.1234567', output: 1, source: '', checked: '' },
        },
      }),
    ).toThrow(InvalidArgumentError);
  });

  it('adds 300 steps without float drift', () => {
    const total = new CostTotal();
    let float = 0;
    for (let step = 0; step < 300; step++) {
      // 1 token of gemini-2.5-flash-lite input: $0.0000001 each.
      total.add(costOf({ promptTokenCount: 1 }, 'gemini-2.5-flash-lite'));
      float += 0.1 / 1e6;
    }
    expect(total.total.total).toBe('0.00003');
    expect(float).not.toBe(0.00003); // what a float sum gives instead
    expect(total.exceeds(0.00003)).toBe(false);
    expect(total.exceeds('0.0000299')).toBe(true);
    total.add(costOf({ promptTokenCount: 1 }, 'unpriced-model'));
    expect(total.total.total).toBeNull();
    expect(total.exceeds(1_000)).toBe(true);
    expect(addCosts(zeroCost(), zeroCost())).toEqual(zeroCost());
  });

  it('keeps a total read between adds exact, and the first unknown reason once unknown', () => {
    const step = costOf({ promptTokenCount: 1, candidatesTokenCount: 2 }, 'gemini-2.5-flash-lite');
    const total = new CostTotal(step);
    expect(total.total).toEqual(step);
    total.add(step);
    const read = total.total;
    expect(read).toEqual(addCosts(step, step));
    read.total = 'changed by the reader';
    total.add(step);
    expect(total.total).toEqual(addCosts(addCosts(step, step), step));
    total.add(costOf({ promptTokenCount: 1 }, 'first-unpriced'));
    total.add(costOf({ promptTokenCount: 1 }, 'second-unpriced'));
    total.add(step);
    expect(total.total.total).toBeNull();
    expect(total.total.unknown).toMatch(/first-unpriced/);
    expect(new CostTotal(costOf({ promptTokenCount: 1 }, 'x-model')).exceeds(1)).toBe(true);
  });

  it('has a source and date for every shipped price', () => {
    for (const [model, tiers] of Object.entries(knownPrices)) {
      expect(priceOf(model)?.source, model).toMatch(/ai\.google\.dev\/gemini-api\/docs\/pricing/);
      for (const price of Object.values(tiers)) {
        expect(price.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(() => costOf({ promptTokenCount: 1, candidatesTokenCount: 1 }, model)).not.toThrow();
      }
    }
  });
});

describe('readCost', () => {
  it('reads back a stored cost only when well formed', async () => {
    const { readCost } = await import('../models/read-cost.ts');
    const cost = costOf({ promptTokenCount: 10 }, 'gemini-2.5-flash');
    expect(readCost(JSON.parse(JSON.stringify(cost)))).toEqual(cost);
    const unknown = costOf({ promptTokenCount: 10 }, 'x');
    expect(readCost(JSON.parse(JSON.stringify(unknown)))).toEqual(unknown);
    expect(readCost({ ...cost, total: '1e9' })).toBeUndefined();
    expect(readCost({ ...cost, total: 5 })).toBeUndefined();
    expect(readCost({ ...cost, currency: 'EUR' })).toBeUndefined();
    expect(readCost({ ...unknown, total: '1' })).toBeUndefined();
    expect(readCost({ ...unknown, unknown: 'x'.repeat(10_000) })?.unknown).toHaveLength(300);
    expect(readCost('0.1')).toBeUndefined();
  });
});

describe('picosToDollars', () => {
  // The reference: bigint division, as it was written before the double fast path.
  const reference = (picos: bigint): string => {
    const whole = picos / 1_000_000_000_000n;
    const fraction = (picos % 1_000_000_000_000n).toString().padStart(12, '0').replace(/0+$/, '');
    return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
  };

  it('writes the same digits as bigint division on both sides of 2^53', () => {
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    const amounts = [0n, 1n, 10n, 999_999_999_999n, 1_000_000_000_000n, 1_000_000_000_001n];
    for (const whole of [1n, 7n, 9006n, 9007n, 9008n, 123_456_789n]) {
      amounts.push(whole * 1_000_000_000_000n - 1n, whole * 1_000_000_000_000n);
      amounts.push(whole * 1_000_000_000_000n + 500_000_000_000n);
    }
    amounts.push(max - 1n, max, max + 1n, max + 2n, 2n ** 64n + 12_345n);
    for (const picos of amounts)
      expect(picosToDollars(picos), String(picos)).toBe(reference(picos));
  });
});

describe('costPicosOf past 2^53 pico-dollars', () => {
  it('prices in numbers while a product is a safe integer and in bigints past it, exactly', () => {
    // gemini-2.5-flash: 300,000 pico-dollars an input token, 2,500,000 an output one.
    const small = costPicosOf(
      { promptTokenCount: 1_000, candidatesTokenCount: 10 },
      'gemini-2.5-flash',
    );
    expect(small).toEqual({
      total: 325_000_000,
      input: 300_000_000,
      cachedInput: 0,
      output: 25_000_000,
      thinking: 0,
    });
    // Hostile (or a fleet's summed) counts: 2^40 input tokens are 3.3e17 pico-dollars.
    const tokens = 2 ** 40;
    const huge = costPicosOf(
      { promptTokenCount: tokens, candidatesTokenCount: 3, thoughtsTokenCount: tokens },
      'gemini-2.5-flash',
    );
    const input = BigInt(tokens) * 300_000n;
    const thinking = BigInt(tokens) * 2_500_000n;
    expect(huge).toEqual({
      total: input + 7_500_000n + thinking,
      input,
      cachedInput: 0,
      output: 7_500_000,
      thinking,
    });
    expect(writeCost(huge)).toEqual({
      currency: 'USD',
      // 2^40 = 1,099,511,627,776 tokens at $0.30 and $2.50 per 1M, and 3 at $2.50.
      total: '3078632.5577803',
      input: '329853.4883328',
      cachedInput: '0',
      output: '0.0000075',
      thinking: '2748779.06944',
    });
  });
});

describe('CostTotal.addPriced', () => {
  it('sums pico-dollars as add sums the dollars they are written as', () => {
    const usage = { promptTokenCount: 1_234, candidatesTokenCount: 56, thoughtsTokenCount: 7 };
    const priced = new CostTotal();
    const written = new CostTotal();
    for (let index = 0; index < 3; index++) {
      priced.addPriced(costPicosOf(usage, 'gemini-2.5-flash'));
      written.add(costOf(usage, 'gemini-2.5-flash'));
    }
    expect(priced.total).toEqual(written.total);
    expect(writeCost(costPicosOf(usage, 'gemini-2.5-flash'))).toEqual(
      costOf(usage, 'gemini-2.5-flash'),
    );
    priced.addPriced(costPicosOf(usage, 'no-such-model'));
    expect(priced.total.total).toBeNull();
    expect(priced.total.unknown).toContain('no-such-model');
  });
});

describe('costPicosOf in numbers and in bigints', () => {
  it('writes each part as the bigint formula does, on both sides of 2^53', () => {
    // gemini-3-flash-preview, pico-dollars a token: 500,000 input, 1,000,000 audio input, 50,000
    // cached (audio too: no cached audio rate, so none cached), 3,000,000 output and thinking.
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    const exact = (picos: bigint) => (picos <= max ? Number(picos) : picos);
    let seed = 53;
    const next = (limit: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return Math.floor((seed / 2_147_483_648) * limit);
    };
    for (let index = 0; index < 2_000; index++) {
      // Counts from a few tokens to past the safe products (2^53 / 3,000,000 is about 3e9).
      const scale = [100, 10_000, 1_000_000, 3_000_000_000, 2 ** 40][index % 5] as number;
      const prompt = next(scale);
      const cached = next(prompt + 1);
      const audio = next(prompt - cached + 1);
      const candidates = next(scale);
      const thoughts = next(scale);
      const usage = {
        promptTokenCount: prompt,
        cachedContentTokenCount: cached,
        candidatesTokenCount: candidates,
        thoughtsTokenCount: thoughts,
        promptTokensDetails: [
          { modality: 'TEXT', tokenCount: prompt - audio },
          { modality: 'AUDIO', tokenCount: audio },
        ],
      };
      const input = BigInt(prompt - cached - audio) * 500_000n + BigInt(audio) * 1_000_000n;
      const cachedInput = BigInt(cached) * 50_000n;
      const output = BigInt(candidates) * 3_000_000n;
      const thinking = BigInt(thoughts) * 3_000_000n;
      const expected = {
        total: exact(input + cachedInput + output + thinking),
        input: exact(input),
        cachedInput: exact(cachedInput),
        output: exact(output),
        thinking: exact(thinking),
      };
      expect(costPicosOf(usage, 'gemini-3-flash-preview'), JSON.stringify(usage)).toEqual(expected);
    }
  });
});
