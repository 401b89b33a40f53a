import { describe, expect, it } from 'vitest';
import { checkLimit, checkOffset } from '../runs/check-runs-arguments.ts';
import { checkDurableWorkerOptions } from './durable-worker-options.ts';

// leftovers82: a number given as a string (an environment variable, a query parameter) was
// described with `String(value)`, `... at least 2 ...; got 5.`, which reads as if 5 were refused.
// The checks now say `got the string "5"` (core's describeValue).

function messageOf(make: () => unknown): string {
  try {
    make();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

const base = {
  databaseUrl: 'postgres://localhost/x',
  agents: { a: {} as never },
  modelRateLimits: {},
};

describe('a string where a number belongs is described as a string', () => {
  it.each<[string, () => unknown]>([
    [
      'systemDatabasePoolSize',
      () => checkDurableWorkerOptions({ ...base, systemDatabasePoolSize: '5' as never }),
    ],
    [
      'notificationCoalesceMs',
      () => checkDurableWorkerOptions({ ...base, notificationCoalesceMs: '5' as never }),
    ],
    [
      'eventBatching.batchMs',
      () => checkDurableWorkerOptions({ ...base, eventBatching: { batchMs: '5' as never } }),
    ],
    ['limit', () => checkLimit('5')],
    ['offset', () => checkOffset('5')],
  ])('%s', (_name, make) => {
    expect(messageOf(make)).toContain('the string "5"');
  });
});
