// attack55 (issue 53): `notificationCoalesceMs` given what a user mistypes. NaN, negative, 0 and
// Infinity were refused already (start-durable-worker.test.ts). A wait Node's timers cannot hold
// (past 2^31 - 1 ms) was not: DBOS sleeps it with setTimeout, which Node clamps to 1 ms with a
// TimeoutOverflowWarning, so 1e12 gave a worker flushing a thousand times a second. A wait of
// days, allowed too, gave a worker whose LISTENing readers heard of a write days after it (only
// their polls saw it): a minute is the most allowed now.
import { createGemini, InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { startDurableWorker } from './start-durable-worker.ts';

const start = (notificationCoalesceMs: unknown): Promise<unknown> =>
  startDurableWorker({
    // Nothing listens here: the option is checked first.
    databaseUrl: 'postgres://gemloop:secret@127.0.0.1:1/none',
    agents: {
      support: { gemini: createGemini({ apiKey: 'test' }), model: 'gemini-3-flash-preview' },
    },
    notificationCoalesceMs: notificationCoalesceMs as number,
  }).catch((caught: unknown) => caught);

describe('startDurableWorker({ notificationCoalesceMs }): hostile values', () => {
  it.each([
    ['1e12 (past what a timer holds: Node makes it 1 ms)', 1e12],
    ['2^31 ms', 2 ** 31],
    ['a day', 86_400_000],
    ['just past a minute', 60_001],
    ['a string of digits', '100'],
    ['a boxed number', Object(100)],
  ])(
    'refuses %s, typed, naming the option and its bounds, before connecting',
    async (_name, value) => {
      const error = await start(value);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ argument: 'notificationCoalesceMs' });
      expect((error as Error).message).toContain('at least 1');
      expect((error as Error).message).toContain('at most 60000');
      expect((error as Error).message).not.toContain('secret');
    },
  );
});
