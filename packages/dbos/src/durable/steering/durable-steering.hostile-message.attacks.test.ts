import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { createRunsApi } from '../runs/create-runs-api.ts';
import type { RunsBackend } from '../runs/runs-backend.ts';

// attack60c: `runs.steer()` given parts a caller's code builds. Its check read the list and
// stringified it bare: a Proxy trap or a part's getter that threw left steer() with the caller's
// own error and words (a connection string here), a BigInt with V8's bare TypeError. Each is now
// an InvalidArgumentError (`message`) before the run is looked up, and what is sent is the JSON
// that was measured (a getter read twice gave the size check one value and the run another).

const SECRET = 'postgres://admin:hunter2@db.internal/app';
const throwing = () => {
  throw new Error(SECRET);
};

function runsOnFakeBackend() {
  const sent: unknown[] = [];
  const backend = {
    pool: { query: async () => ({ rows: [] }) },
    getStatus: async () => ({ status: 'PENDING', workflowName: 'gemloop.run' }),
    getEvent: async () => null,
    listWorkflows: async () => [],
    send: async (_runId: string, message: unknown) => {
      sent.push(message);
    },
  } as unknown as RunsBackend;
  return { runs: createRunsApi(backend), sent };
}

describe('runs.steer() with parts JSON cannot send', () => {
  it.each([
    [
      'a part whose getter throws',
      [
        {
          get text() {
            return throwing();
          },
        },
      ],
      'reading it threw',
    ],
    [
      'a Proxy list whose traps throw',
      new Proxy([{ text: 'hi' }], { get: throwing }),
      'reading it threw',
    ],
    ['a BigInt in a part', [{ text: 'hi', count: 1n }], 'it holds a BigInt'],
  ])(
    '%s: InvalidArgumentError, the thrown words never copied, nothing sent',
    async (_name, message, why) => {
      const { runs, sent } = runsOnFakeBackend();
      const error = await runs.steer('run-1', message as never).catch((thrown: unknown) => thrown);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ argument: 'message' });
      expect((error as Error).message).toContain(why);
      expect((error as Error).message).not.toContain('hunter2');
      expect(sent).toEqual([]);
    },
  );

  it('sends the JSON it measured: a getter is read once', async () => {
    const { runs, sent } = runsOnFakeBackend();
    let reads = 0;
    const part = {
      get text() {
        reads += 1;
        return reads === 1 ? 'Use metric units.' : 'x'.repeat(1_000_000);
      },
    };
    await runs.steer('run-1', [part]);
    expect(reads).toBe(1);
    expect(sent).toEqual([{ mode: 'steer', message: [{ text: 'Use metric units.' }] }]);
  });
});
