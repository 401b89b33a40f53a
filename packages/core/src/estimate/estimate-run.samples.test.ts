import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { band, estimateRun, type RunSample } from './estimate-run.ts';

// Recordings are read back from files a user keeps (run-end lines, stored results): hostile input.
// A sample counts only when its cost is US dollars as gemloop writes them and its token count a
// real count.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function agentOnFake() {
  const fake = createFakeGemini({ script: [turn.text('OK')] });
  fakes.push(fake);
  const gemini = createGemini({ fetch: fake.fetch, apiKey: 'test-key', retry: false });
  return { fake, agent: createAgent({ gemini, model: 'gemini-3-flash-preview' }) };
}

const good = (usd: string, tokens: number): RunSample => ({
  cost: { total: usd },
  usage: { totalTokenCount: tokens },
});

describe('estimateRun with hostile recordings', () => {
  it('skips samples whose cost is not dollars: empty, blank, hex, negative, exponent', async () => {
    const { agent } = await agentOnFake();
    const recordings = [
      ...Array.from({ length: 3 }, () => good('1', 10)),
      good('', 10),
      good('  ', 10),
      good('0x10', 10),
      good('-5', 10),
      good('1e3', 10),
      good('Infinity', 10),
    ];
    const estimate = await estimateRun(agent, 'Hi', { recordings, minRuns: 3 });
    expect(estimate.source).toBe('recordings');
    expect(estimate.runs).toBe(3);
    expect(estimate.costUsd).toEqual({ p10: 1, p50: 1, p90: 1 });
  });

  it('skips samples whose token count is negative, fractional or infinite (JSON 1e400)', async () => {
    const { agent } = await agentOnFake();
    const parsed = JSON.parse(
      '{"cost":{"total":"2"},"usage":{"totalTokenCount":1e400}}',
    ) as RunSample;
    const recordings = [good('1', 100), good('1', 100), good('2', -1), good('2', 1.5), parsed];
    const estimate = await estimateRun(agent, 'Hi', { recordings, minRuns: 2 });
    expect(estimate.runs).toBe(2);
    expect(estimate.tokens).toEqual({ p10: 100, p50: 100, p90: 100 });
    expect(estimate.costUsd.p90).toBe(1);
  });

  it('skips nulls, wrong types and missing fields without throwing', async () => {
    const { agent } = await agentOnFake();
    const recordings = [
      null,
      undefined,
      'run',
      {},
      { cost: null, usage: { totalTokenCount: 1 } },
      { cost: { total: 1 }, usage: { totalTokenCount: 1 } },
      { cost: { total: '1' }, usage: { totalTokenCount: '1' } },
      good('0.5', 50),
    ] as unknown as RunSample[];
    const estimate = await estimateRun(agent, 'Hi', { recordings, minRuns: 1 });
    expect(estimate).toMatchObject({
      source: 'recordings',
      runs: 1,
      costUsd: { p50: 0.5 },
      tokens: { p50: 50 },
    });
  });

  it('counts tokens instead when too few samples are usable, and says how many were', async () => {
    const { agent, fake } = await agentOnFake();
    const estimate = await estimateRun(agent, 'Hi', {
      recordings: [good('', 1), good('1', 1)],
      minRuns: 2,
    });
    expect(estimate.source).toBe('count-tokens');
    expect(estimate.assumption).toMatch(/^1 priced recorded runs \(fewer than 2\)/);
    expect(fake.requests.filter((request) => request.method === 'countTokens')).toHaveLength(1);
  });

  it('refuses recordings that are not a list', async () => {
    const { agent } = await agentOnFake();
    await expect(
      estimateRun(agent, 'Hi', { recordings: { length: 3 } as unknown as RunSample[] }),
    ).rejects.toSatisfy(
      (error: unknown) => InvalidArgumentError.isInstance(error) && error.argument === 'recordings',
    );
  });
});

describe('estimateRun options and input', () => {
  it('names the option that is not a number >= 0', async () => {
    const { agent } = await agentOnFake();
    for (const [options, argument] of [
      [{ assumedSteps: { p10: 1, p50: Number.NaN, p90: 3 } }, 'estimateRun.assumedSteps.p50'],
      [{ assumedOutputTokensPerStep: -1 }, 'estimateRun.assumedOutputTokensPerStep'],
      [{ minRuns: Number.POSITIVE_INFINITY }, 'estimateRun.minRuns'],
    ] as const) {
      await expect(estimateRun(agent, 'Hi', options)).rejects.toSatisfy(
        (error: unknown) => InvalidArgumentError.isInstance(error) && error.argument === argument,
      );
    }
  });

  it('counts parts, contents and turns as the run would send them', async () => {
    const { agent, fake } = await agentOnFake();
    await estimateRun(agent, [{ text: 'part one' }, { text: 'part two' }]);
    await estimateRun(agent, [{ role: 'user', parts: [{ text: 'as contents' }] }]);
    await estimateRun(agent, [{ contents: [{ role: 'user', parts: [{ text: 'as a turn' }] }] }]);
    const sent = fake.requests
      .filter((request) => request.method === 'countTokens')
      .map((request) => JSON.stringify(request.body));
    expect(sent).toHaveLength(3);
    expect(sent[0]).toContain('part one');
    expect(sent[0]).toContain('part two');
    expect(sent[1]).toContain('as contents');
    expect(sent[2]).toContain('as a turn');
  });

  it('refuses an input that is neither a message, parts, contents nor turns', async () => {
    const { agent } = await agentOnFake();
    await expect(estimateRun(agent, 42 as never, { recordings: [] })).rejects.toSatisfy(
      (error: unknown) => InvalidArgumentError.isInstance(error) && error.argument === 'input',
    );
  });
});

describe('band', () => {
  it('orders the values itself and leaves the given list as it was', () => {
    const values = [9, 1, 5, 3, 7];
    expect(band(values)).toEqual({ p10: 1.8, p50: 5, p90: 8.2 });
    expect(values).toEqual([9, 1, 5, 3, 7]);
  });

  it('sorts numbers as numbers, not as text', () => {
    expect(band([100, 20, 3]).p50).toBe(20);
  });
});
