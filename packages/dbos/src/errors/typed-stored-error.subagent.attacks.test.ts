import { DBOSJSON, deserializeResError } from '@dbos-inc/dbos-sdk/internal/serialization';
import type { AgentRunError } from '@gemloop/core';
import { SubagentError } from '@gemloop/core/errors';
import { describe, expect, it } from 'vitest';
import { typedStoredError } from './typed-stored-error.ts';

// durable65: a run's row now holds its SubagentError's `path`, `usage` and `cost`
// (stored-child-error.ts `withSubagentRun`; the durable tree is run in stored-child-run.test.ts).
// These rows are what anyone who can write the table put there, or what an older worker stored.

const usage = {
  promptTokenCount: 20,
  candidatesTokenCount: 2,
  thoughtsTokenCount: 0,
  toolUsePromptTokenCount: 0,
  cachedContentTokenCount: 0,
  totalTokenCount: 22,
};
const cost = { currency: 'USD', total: '0.00001', input: '0.00001', output: '0' };
const base = {
  name: 'SubagentError',
  code: 'subagent',
  message: 'The subagent clerk (clerk#1) failed: stop',
  toolName: 'clerk',
};

/** A row's error as DBOS revives it from `record`. */
function fromRow(record: Record<string, unknown>): Promise<Error> {
  const row = `{"json":${JSON.stringify(record)},"__dbos_serializer":"superjson"}`;
  return deserializeResError(row, DBOSJSON.name(), undefined as never) as Promise<Error>;
}

const childRun = {
  contents: [],
  newContents: [],
  steps: [],
  usage: { ...usage, totalTokenCount: 7, promptTokenCount: 7, candidatesTokenCount: 0 },
  cost: { currency: 'USD', total: '0' },
} as unknown as AgentRunError['run'];

describe("a stored SubagentError's path and spend", () => {
  it('revives them as stored', async () => {
    const error = typedStoredError(await fromRow({ ...base, path: ['clerk#1'], usage, cost }));
    expect(SubagentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ path: ['clerk#1'], usage, cost, toolName: 'clerk' });
  });

  it("an older row without them: path [], the child's usage when its run is known, cost not known", async () => {
    const old = typedStoredError(await fromRow(base), 0, childRun) as SubagentError;
    expect(SubagentError.isInstance(old)).toBe(true);
    expect([old.path, old.usage, old.cost]).toEqual([[], childRun.usage, undefined]);
    const bare = typedStoredError(await fromRow(base)) as SubagentError;
    expect(bare.usage.totalTokenCount).toBe(0);
    expect(bare.cost).toBeUndefined();
  });

  it('a row whose path or spend has another type is left as stored, not revived', async () => {
    for (const forged of [
      { path: 'clerk#1' },
      { path: [1, 2] },
      { usage: 'lots' },
      { usage: [1] },
      { cost: 5 },
    ]) {
      const error = typedStoredError(await fromRow({ ...base, ...forged }));
      expect(SubagentError.isInstance(error)).toBe(false);
      expect((error as Error).name).toBe('SubagentError');
    }
  });
});
