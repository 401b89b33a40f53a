// The rate limit's buckets and slots at their edges: which calls share a bucket (app, model,
// `models/` prefix), which take none, what a caller that waits gets on abort, a bucket without
// slots, and which Postgres errors are waited out. Waits end by abort, never by a timer racing.

import { InvalidArgumentError } from '@gemloop/core';
import type { SendInfo } from '@gemloop/core/http';
import { MAX_TIMER_MS } from '@gemloop/core/internal';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../__fixtures__/fleet.ts';
import {
  checkModelRateLimits,
  createFleetRateLimit,
  migrateFleetRateLimit,
  RATE_LIMIT_TABLE,
  UNBOUNDED_ATTEMPT_LEASE_MS,
} from './fleet-rate-limit.ts';

const HOUR_MS = 60 * 60 * 1000;

const send = (model: string | undefined, signal?: AbortSignal): SendInfo => ({
  attempt: 1,
  method: 'generateContent',
  model,
  signal,
  timeoutMs: 60_000,
});

let pool: pg.Pool;
/** Resolves the next time a look for a slot has come back from Postgres (with none free). */
let looked: (() => void) | undefined;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await freshDatabase('slots'), max: 3 });
  const query = pool.query.bind(pool) as (text: string, values?: unknown[]) => Promise<unknown>;
  pool.query = (async (text: string, values?: unknown[]) => {
    const result = await query(text, values);
    if (text.includes('WITH candidate')) looked?.();
    return result;
  }) as typeof pool.query;
});
afterAll(async () => {
  await pool?.end();
});

/** Starts an admission that must wait; returns its outcome once it has looked and been aborted. */
async function waitsUntilAborted(admit: (signal: AbortSignal) => Promise<unknown>) {
  const controller = new AbortController();
  const hasLooked = new Promise<void>((resolve) => {
    looked = resolve;
  });
  const outcome = admit(controller.signal).then(
    (value) => ({ admitted: value }),
    (error: unknown) => ({ error }),
  );
  await hasLooked;
  looked = undefined;
  controller.abort(new Error('caller gave up'));
  return outcome;
}

async function slots(bucket: string): Promise<{ in_flight: boolean }[]> {
  const { rows } = await pool.query(
    `SELECT in_flight FROM ${RATE_LIMIT_TABLE} WHERE bucket = $1 ORDER BY slot`,
    [bucket],
  );
  return rows as { in_flight: boolean }[];
}

describe('the rate limit buckets', () => {
  it('keeps one bucket per app and model: a full one holds its callers, not the others', async () => {
    const limits = {
      'gemini-a': { requests: 1, periodMs: HOUR_MS },
      'gemini-b': { requests: 1, periodMs: HOUR_MS },
    };
    await migrateFleetRateLimit({ pool, appName: 'app1', limits });
    await migrateFleetRateLimit({ pool, appName: 'app2', limits });
    const app1 = createFleetRateLimit({ pool, appName: 'app1', limits });
    const app2 = createFleetRateLimit({ pool, appName: 'app2', limits });
    expect(typeof (await app1.admit(send('models/gemini-a')))).toBe('function');
    expect(typeof (await app1.admit(send('models/gemini-b')))).toBe('function');
    expect(typeof (await app2.admit(send('models/gemini-a')))).toBe('function');
    expect(await slots('app1:gemini-a')).toEqual([{ in_flight: true }]);
    // app1's gemini-a is full for an hour: its next caller waits until it gives up.
    const outcome = await waitsUntilAborted((signal) =>
      app1.admit(send('models/gemini-a', signal)),
    );
    expect(outcome).toEqual({ error: new Error('caller gave up') });
  });

  it('reads a model with or without the models/ prefix as the same bucket', async () => {
    const limits = { 'models/gemini-p': { requests: 1, periodMs: HOUR_MS } };
    await migrateFleetRateLimit({ pool, appName: 'prefix', limits });
    expect(await slots('prefix:gemini-p')).toHaveLength(1);
    const limit = createFleetRateLimit({ pool, appName: 'prefix', limits });
    expect(typeof (await limit.admit(send('gemini-p')))).toBe('function');
    const outcome = await waitsUntilAborted((signal) =>
      limit.admit(send('models/gemini-p', signal)),
    );
    expect(outcome).toMatchObject({ error: { message: 'caller gave up' } });
  });

  it('admits at once, without a statement, a call of a model without a limit or without a model', async () => {
    let statements = 0;
    const counting = {
      query: () => {
        statements++;
        throw new Error('not expected');
      },
    } as unknown as pg.Pool;
    const limit = createFleetRateLimit({
      pool: counting,
      appName: 'none',
      limits: { 'gemini-a': { requests: 1, periodMs: 1000 } },
    });
    expect(await limit.admit(send('models/gemini-other'))).toBeUndefined();
    expect(await limit.admit(send(undefined))).toBeUndefined();
    expect(await limit.admit(send('tunedModels/gemini-a'))).toBeUndefined();
    expect(statements).toBe(0);
  });

  it('frees a slot when its answer came: the freed slot is not in flight', async () => {
    const limits = { 'gemini-f': { requests: 2, periodMs: HOUR_MS } };
    await migrateFleetRateLimit({ pool, appName: 'free', limits });
    const limit = createFleetRateLimit({ pool, appName: 'free', limits });
    const answered = await limit.admit(send('gemini-f'));
    expect(await slots('free:gemini-f')).toEqual([{ in_flight: true }, { in_flight: false }]);
    await answered?.();
    expect(await slots('free:gemini-f')).toEqual([{ in_flight: false }, { in_flight: false }]);
  });

  it('leases a slot for at most the longest attempt the client times out plus the period', async () => {
    const periodMs = 60_000;
    const limits = { 'gemini-l': { requests: 4, periodMs } };
    await migrateFleetRateLimit({ pool, appName: 'lease', limits });
    const limit = createFleetRateLimit({ pool, appName: 'lease', limits, leaseSlackMs: 0 });
    // The lease is bracketed by the database's clock read just before and just after the
    // admission (as text: a JS Date keeps ms, the clock µs), so it is checked to the µs with no
    // slack for time passing (60 s of it before, which a stalled machine could in principle use up).
    const now = async (): Promise<string> =>
      ((await pool.query('SELECT clock_timestamp()::text AS t')).rows[0] as { t: string }).t;
    const leased = async (timeoutMs: number, expectedMs: number): Promise<void> => {
      const before = await now();
      await limit.admit({ ...send('gemini-l'), timeoutMs });
      const after = await now();
      const { rows } = await pool.query(
        `SELECT extract(epoch FROM max(free_at) - $1::timestamptz) * 1000 AS most,
                extract(epoch FROM max(free_at) - $2::timestamptz) * 1000 AS least
           FROM ${RATE_LIMIT_TABLE} WHERE bucket = 'lease:gemini-l' AND in_flight`,
        [before, after],
      );
      await pool.query(`UPDATE ${RATE_LIMIT_TABLE} SET in_flight = false, free_at = '-infinity'
                         WHERE bucket = 'lease:gemini-l'`);
      const { most, least } = rows[0] as { most: string; least: string };
      expect(Number(least)).toBeLessThanOrEqual(expectedMs);
      expect(Number(most)).toBeGreaterThanOrEqual(expectedMs);
    };
    // Past the longest timer (about 24.8 days) the client enforces no limit, as for Infinity:
    // 1e300 failed every admission with "interval out of range", and MAX_SAFE_INTEGER held a
    // dead worker's slot for 285,000 years.
    for (const timeoutMs of [1e300, Number.MAX_SAFE_INTEGER, MAX_TIMER_MS + 1, Infinity]) {
      await leased(timeoutMs, UNBOUNDED_ATTEMPT_LEASE_MS + periodMs);
    }
    // A limit the client does enforce is leased whole: the slot is not handed on while the
    // attempt can still be out.
    await leased(MAX_TIMER_MS, MAX_TIMER_MS + periodMs);
  });

  it('refuses, naming the bucket, when the bucket has no slots (a worker without this limit)', async () => {
    const limits = { 'gemini-n': { requests: 1, periodMs: 1000 } };
    // Never migrated for this app: no slot rows.
    const limit = createFleetRateLimit({ pool, appName: 'unmigrated', limits });
    const error = await limit.admit(send('gemini-n')).catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('The rate limit unmigrated:gemini-n has no slots');
  });
});

describe('Postgres errors while looking for a slot', () => {
  const failing = (error: Error, seen: unknown[]) => ({
    limit: createFleetRateLimit({
      pool: {
        query: async () => {
          seen.push('query');
          throw error;
        },
      } as unknown as pg.Pool,
      appName: 'errors',
      limits: { 'gemini-e': { requests: 1, periodMs: 1000 } },
      onError: (reported) => seen.push(reported),
    }),
  });

  it('throws an error of the statement itself at once, unreported', async () => {
    const seen: unknown[] = [];
    const missing = Object.assign(new Error('relation does not exist'), { code: '42P01' });
    const { limit } = failing(missing, seen);
    await expect(limit.admit(send('gemini-e'))).rejects.toBe(missing);
    expect(seen).toEqual(['query']);
  });

  it('waits out a lost connection (reported), sending nothing, until the caller gives up', async () => {
    const seen: unknown[] = [];
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const { limit } = failing(refused, seen);
    const controller = new AbortController();
    const outcome = limit
      .admit(send('gemini-e', controller.signal))
      .catch((error: unknown) => error);
    // The first look failed and was reported: the caller now waits for Postgres.
    while (seen.length < 2) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('shutting down'));
    expect(await outcome).toEqual(new Error('shutting down'));
    expect(seen.slice(0, 2)).toEqual(['query', refused]);
  });
});

describe('checkModelRateLimits', () => {
  it('refuses each bad limit naming its model and field', () => {
    const cases: [unknown, RegExp][] = [
      [{ m: { requests: 0, periodMs: 1 } }, /modelRateLimits\.m\.requests must be a whole number/],
      [{ m: { requests: 100_001, periodMs: 1 } }, /from 1 to 100000 \(got 100001\)/],
      [{ m: { requests: 1.5, periodMs: 1 } }, /got 1\.5/],
      [{ m: { requests: 1, periodMs: 0 } }, /modelRateLimits\.m\.periodMs must be a positive/],
      [{ m: { requests: 1, periodMs: Number.POSITIVE_INFINITY } }, /got Infinity/],
      [{ m: { requests: 1, periodMs: Number.NaN } }, /got NaN/],
      [{ m: { requests: 1, periodMs: -60_000 } }, /got -60000/],
      // Finite, but past what Postgres adds to its clock: every admission failed with "interval
      // out of range" instead of the worker refusing to start.
      [
        { m: { requests: 1, periodMs: 1e300 } },
        /at most 366 days \(31622400000\).*\(got 1e\+300\)/,
      ],
      [{ m: null }, /modelRateLimits\.m\.requests/],
      [null, /modelRateLimits must be an object by model/],
    ];
    for (const [limits, message] of cases) {
      expect(() => checkModelRateLimits(limits as never)).toThrow(message);
    }
    expect(checkModelRateLimits({ 'models/x': { requests: 100_000, periodMs: 0.5 } })).toEqual([
      ['x', { requests: 100_000, periodMs: 0.5 }],
    ]);
  });
});
