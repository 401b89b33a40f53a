import { createGemini, InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { startDurableWorker } from './start-durable-worker.ts';

describe('startDurableWorker options', () => {
  it('refuses an eventBatching that is not positive, naming it, before connecting', async () => {
    const error = await startDurableWorker({
      // Nothing listens here: the option is checked first.
      databaseUrl: 'postgres://gemloop:secret@127.0.0.1:1/none',
      agents: {
        support: { gemini: createGemini({ apiKey: 'test' }), model: 'gemini-3-flash-preview' },
      },
      eventBatching: { batchMs: 0 },
    }).catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ argument: 'eventBatching.batchMs' });
  });

  it('refuses a bad rate limit and the removed rateLimitMarginMs, naming them, before connecting', async () => {
    const start = (options: object): Promise<unknown> =>
      startDurableWorker({
        databaseUrl: 'postgres://gemloop:secret@127.0.0.1:1/none',
        agents: {
          support: { gemini: createGemini({ apiKey: 'test' }), model: 'gemini-3-flash-preview' },
        },
        ...options,
      }).catch((caught: unknown) => caught);
    const badLimit = await start({
      modelRateLimits: { 'gemini-3-flash-preview': { requests: 0, periodMs: 60_000 } },
    });
    expect(InvalidArgumentError.isInstance(badLimit)).toBe(true);
    expect(badLimit).toMatchObject({
      argument: 'modelRateLimits.gemini-3-flash-preview.requests',
    });
    const margin = await start({ rateLimitMarginMs: 1000 });
    expect(InvalidArgumentError.isInstance(margin)).toBe(true);
    expect(margin).toMatchObject({ argument: 'rateLimitMarginMs' });
    expect((margin as Error).message).toContain('held at the moment a request is sent');
  });

  it('refuses a systemDatabasePoolSize DBOS cannot split, naming it, before connecting', async () => {
    for (const systemDatabasePoolSize of [1, 2.5, Number.NaN]) {
      const error = await startDurableWorker({
        databaseUrl: 'postgres://gemloop:secret@127.0.0.1:1/none',
        agents: {
          support: { gemini: createGemini({ apiKey: 'test' }), model: 'gemini-3-flash-preview' },
        },
        systemDatabasePoolSize,
      }).catch((caught: unknown) => caught);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ argument: 'systemDatabasePoolSize' });
    }
  });

  it('refuses a notificationCoalesceMs DBOS would refuse, naming it and its minimum, before connecting', async () => {
    for (const notificationCoalesceMs of [0, 0.5, -10, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = await startDurableWorker({
        databaseUrl: 'postgres://gemloop:secret@127.0.0.1:1/none',
        agents: {
          support: { gemini: createGemini({ apiKey: 'test' }), model: 'gemini-3-flash-preview' },
        },
        notificationCoalesceMs,
      }).catch((caught: unknown) => caught);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ argument: 'notificationCoalesceMs' });
      expect((error as Error).message).toContain('at least 1');
      expect((error as Error).message).not.toContain('secret');
    }
  });
});
