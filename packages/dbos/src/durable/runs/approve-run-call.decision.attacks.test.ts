import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { createRunsApi } from './create-runs-api.ts';
import type { RunsBackend } from './runs-backend.ts';

// attack60c: `runs.approve()` given a decision a caller's code builds (an edit whose arguments
// come from a form or an ORM object). Its check stringified the decision bare: a getter that
// threw left approve() with the caller's own error and words (a connection string here), a
// BigInt or a cycle in the edited arguments with V8's bare TypeError. Each is now an
// InvalidArgumentError (`decision`), before any statement reaches Postgres.

const SECRET = 'postgres://admin:hunter2@db.internal/app';
const throwing = () => {
  throw new Error(SECRET);
};
const cycle: Record<string, unknown> = { amount: 5 };
cycle['self'] = cycle;

function runsWithoutDatabase() {
  const statements: string[] = [];
  const backend = {
    pool: {
      query: async (text: string) => {
        statements.push(text);
        return { rows: [] };
      },
    },
    getStatus: async () => {
      statements.push('getStatus');
      return undefined;
    },
  } as unknown as RunsBackend;
  return { runs: createRunsApi(backend), statements };
}

describe('runs.approve() with a decision JSON cannot store', () => {
  it.each([
    [
      'edited args whose getter throws',
      {
        type: 'edit',
        args: {
          get amount() {
            return throwing();
          },
        },
      },
      'reading it threw',
    ],
    [
      'a decision whose type getter throws',
      {
        get type() {
          return throwing();
        },
      },
      'reading it threw',
    ],
    ['a BigInt in the edited args', { type: 'edit', args: { amount: 10n } }, 'it holds a BigInt'],
    ['a cycle in the edited args', { type: 'edit', args: cycle }, 'a reference to itself'],
  ])(
    '%s: InvalidArgumentError, the thrown words never copied, no statement sent',
    async (_name, decision, why) => {
      const { runs, statements } = runsWithoutDatabase();
      const error = await runs
        .approve('run-1', 'call-1', decision as never)
        .catch((thrown: unknown) => thrown);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ argument: 'decision' });
      expect((error as Error).message).toContain(why);
      expect((error as Error).message).not.toContain('hunter2');
      expect(String((error as Error).cause ?? '')).not.toContain('hunter2');
      expect(statements).toEqual([]);
    },
  );

  it('a well-formed decision passes the check (what fails next is the lookup, on no database)', async () => {
    const { runs } = runsWithoutDatabase();
    const error = await runs
      .approve('run-1', 'call-1', { type: 'edit', args: { amount: 5 } })
      .catch((thrown: unknown) => thrown);
    expect((error as { argument?: unknown } | undefined)?.argument).not.toBe('decision');
  });
});
