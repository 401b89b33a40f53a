import { InvalidArgumentError } from '@gemloop/core';
import type { SendInfo } from '@gemloop/core/http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../__fixtures__/fleet.ts';
import {
  createFleetRateLimit,
  type FleetRateLimit,
  migrateFleetRateLimit,
  RATE_LIMIT_TABLE,
} from './fleet-rate-limit.ts';

const MODEL = 'gemini-3-flash-preview';

const send = (overrides: Partial<SendInfo> = {}): SendInfo => ({
  attempt: 1,
  method: 'generateContent',
  model: `models/${MODEL}`,
  signal: undefined,
  timeoutMs: 120_000,
  ...overrides,
});

/** A pool whose statements are counted by kind: taking a slot, freeing one, anything else. */
function countedPool(url: string): { pool: pg.Pool; counts: Record<string, number> } {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const counts: Record<string, number> = { take: 0, free: 0, other: 0 };
  const query = pool.query.bind(pool) as (text: string, values?: unknown[]) => Promise<unknown>;
  pool.query = ((text: string, values?: unknown[]) => {
    const kind = text.includes('WITH candidate')
      ? 'take'
      : text.includes('in_flight = false')
        ? 'free'
        : 'other';
    counts[kind] = (counts[kind] ?? 0) + 1;
    return query(text, values);
  }) as typeof pool.query;
  return { pool, counts };
}

/** The largest number of `times` in any half-open window `[t, t + periodMs)`. */
function busiestWindow(times: readonly number[], periodMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = 0;
  for (let first = 0, last = 0; first < sorted.length; first++) {
    while (last < sorted.length && (sorted[last] as number) < (sorted[first] as number) + periodMs)
      last++;
    busiest = Math.max(busiest, last - first);
  }
  return busiest;
}

describe('the fleet rate limit (slots in Postgres)', () => {
  let url: string;
  const pools: pg.Pool[] = [];
  const open = (): { pool: pg.Pool; counts: Record<string, number> } => {
    const counted = countedPool(url);
    pools.push(counted.pool);
    return counted;
  };

  beforeAll(async () => {
    url = await freshDatabase('fleetlimit');
  });

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
  });

  /** A fresh limit (its own app name, so tests do not share slots) on two "workers". */
  async function twoWorkers(
    appName: string,
    requests: number,
    periodMs: number,
    options: { leaseSlackMs?: number } = {},
  ): Promise<{ workers: FleetRateLimit[]; counts: Record<string, number>[]; pool: pg.Pool }> {
    const limits = { [MODEL]: { requests, periodMs } };
    const first = open();
    const second = open();
    await migrateFleetRateLimit({ pool: first.pool, appName, limits });
    await migrateFleetRateLimit({ pool: second.pool, appName, limits });
    return {
      workers: [first, second].map(({ pool }) =>
        createFleetRateLimit({ pool, appName, limits, ...options }),
      ),
      counts: [first.counts, second.counts],
      pool: first.pool,
    };
  }

  it('admits at most `requests` in any period across workers, each slot a period after its answer', async () => {
    const periodMs = 300;
    const { workers, counts } = await twoWorkers('window', 3, periodMs);
    const sent: number[] = [];
    // 12 calls at once from two workers; each "request" is out for a while, then answered.
    await Promise.all(
      Array.from({ length: 12 }, async (_, index) => {
        const worker = workers[index % 2] as FleetRateLimit;
        const free = await worker.admit(send());
        const sentAt = Date.now();
        sent.push(sentAt);
        await new Promise((resolve) => setTimeout(resolve, (index * 7) % 40));
        await free?.();
      }),
    );
    expect(sent).toHaveLength(12);
    expect(busiestWindow(sent, periodMs)).toBeLessThanOrEqual(3);
    // Each call freed its slot once, in one statement.
    expect(counts.reduce((sum, count) => sum + (count['free'] ?? 0), 0)).toBe(12);
  });

  it('costs two statements per call when a slot is free, and none for a model without a limit', async () => {
    const { workers, counts, pool } = await twoWorkers('cost', 5, 60_000);
    const worker = workers[0] as FleetRateLimit;
    for (let call = 0; call < 5; call++) {
      const free = await worker.admit(send());
      await free?.();
    }
    expect(await worker.admit(send({ model: 'models/gemini-2.5-pro' }))).toBeUndefined();
    expect(await worker.admit(send({ model: undefined }))).toBeUndefined();
    // The migration's statements go through a checked-out client, not pool.query.
    expect(counts[0]).toEqual({ take: 5, free: 5, other: 0 });
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM ${RATE_LIMIT_TABLE} WHERE bucket = $1 AND in_flight`,
      [`cost:${MODEL}`],
    );
    expect(rows[0]).toEqual({ n: 0 });
  });

  it("gives a dead worker's slot back when its lease ends, and a late answer frees nobody else's", async () => {
    const { workers, pool } = await twoWorkers('lease', 1, 50, { leaseSlackMs: 0 });
    // Never answered: its worker "died" with the request out (lease: 100 + 50 ms).
    const lost = await (workers[0] as FleetRateLimit).admit(send({ timeoutMs: 100 }));
    const next = await (workers[1] as FleetRateLimit).admit(send());
    expect(typeof next).toBe('function');
    // The first worker's answer comes after all: the slot is the second's now, and stays taken.
    await lost?.();
    const { rows } = await pool.query(
      `SELECT in_flight FROM ${RATE_LIMIT_TABLE} WHERE bucket = $1`,
      [`lease:${MODEL}`],
    );
    expect(rows).toEqual([{ in_flight: true }]);
    await next?.();
  });

  it("stops waiting when the caller aborts, with the caller's reason, taking no slot", async () => {
    const { workers, pool } = await twoWorkers('abort', 1, 60_000);
    const held = await (workers[0] as FleetRateLimit).admit(send());
    const controller = new AbortController();
    const waiting = (workers[1] as FleetRateLimit).admit(send({ signal: controller.signal }));
    controller.abort(new Error('user left'));
    await expect(waiting).rejects.toThrow('user left');
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM ${RATE_LIMIT_TABLE} WHERE bucket = $1 AND in_flight`,
      [`abort:${MODEL}`],
    );
    expect(rows[0]).toEqual({ n: 1 });
    await held?.();
  });

  it("admits one process's callers first come, first served; one that gives up leaves the line", async () => {
    const { workers } = await twoWorkers('line', 1, 50);
    const worker = workers[0] as FleetRateLimit;
    const admitted: number[] = [];
    const controller = new AbortController();
    const calls = Array.from({ length: 5 }, async (_, index) => {
      const free = await worker.admit(send(index === 2 ? { signal: controller.signal } : {}));
      admitted.push(index);
      await free?.();
    });
    controller.abort(new Error('gave up'));
    const outcomes = await Promise.allSettled(calls);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(admitted).toEqual([0, 1, 3, 4]);
  });

  it('waits while Postgres is unreachable (nothing goes out unadmitted) until the caller gives up', async () => {
    const limits = { [MODEL]: { requests: 1, periodMs: 1000 } };
    // Nothing listens on port 1: every look for a slot is refused.
    const pool = new pg.Pool({ connectionString: 'postgres://gemloop:secret@127.0.0.1:1/none' });
    pools.push(pool);
    const errors: unknown[] = [];
    const controller = new AbortController();
    const limit = createFleetRateLimit({
      pool,
      appName: 'down',
      limits,
      onError: (error) => {
        errors.push(error);
        if (errors.length === 2) controller.abort(new Error('gave up'));
      },
    });
    await expect(limit.admit(send({ signal: controller.signal }))).rejects.toThrow('gave up');
    expect(errors.map((error) => (error as { code?: string }).code)).toEqual([
      'ECONNREFUSED',
      'ECONNREFUSED',
    ]);
  });

  it('refuses a limit that is not whole requests in a positive period, naming it', () => {
    const { pool } = open();
    for (const [limit, argument] of [
      [{ requests: 0, periodMs: 1000 }, `modelRateLimits.${MODEL}.requests`],
      [{ requests: 1.5, periodMs: 1000 }, `modelRateLimits.${MODEL}.requests`],
      [{ requests: 10, periodMs: 0 }, `modelRateLimits.${MODEL}.periodMs`],
      [{ requests: 10, periodMs: Number.NaN }, `modelRateLimits.${MODEL}.periodMs`],
    ] as const) {
      let caught: unknown;
      try {
        createFleetRateLimit({ pool, appName: 'bad', limits: { [MODEL]: limit } });
      } catch (error) {
        caught = error;
      }
      expect(InvalidArgumentError.isInstance(caught)).toBe(true);
      expect(caught).toMatchObject({ argument });
    }
  });

  it('keeps as many slots as the limit says when a fleet lowers it', async () => {
    const { pool } = open();
    const limitOf = (requests: number) => ({ [MODEL]: { requests, periodMs: 1000 } });
    await migrateFleetRateLimit({ pool, appName: 'lowered', limits: limitOf(5) });
    await migrateFleetRateLimit({ pool, appName: 'lowered', limits: limitOf(2) });
    const { rows } = await pool.query(
      `SELECT slot FROM ${RATE_LIMIT_TABLE} WHERE bucket = $1 ORDER BY slot`,
      [`lowered:${MODEL}`],
    );
    expect(rows).toEqual([{ slot: 0 }, { slot: 1 }]);
  });
});
