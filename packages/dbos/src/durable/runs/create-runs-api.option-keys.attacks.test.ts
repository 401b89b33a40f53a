import type { AgentEvent } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { createRunsApi } from './create-runs-api.ts';
import { RUN_WORKFLOW } from './durable-run-types.ts';
import type { RunsBackend } from './runs-backend.ts';

// Outside attacks on the runs API's access options (attack13): `owner` is what keeps one user from
// another's run, and "without an owner the server itself calls: no check". Misspelt (`ownr`) it
// was ignored: `events(runId, { ownr: caller })` read any run's events, `cancel` cancelled it, and
// `start(agent, { ownr })` started a run no owner guarded. Each is refused before any statement.

const delta = (text: string): AgentEvent => ({ type: 'text-delta', path: [], stepNumber: 1, text });

/** One run of alice's, with one event; what reached the backend is kept. */
function backend() {
  const calls: string[] = [];
  const record = (name: string) => async () => {
    calls.push(name);
  };
  const api: RunsBackend = {
    pool: { query: async () => ({ rows: [] }) } as never,
    resume: record('resume'),
    readStream: async function* () {
      calls.push('readStream');
      yield { from: 0, events: [delta('alice only')] };
    },
    enqueue: record('enqueue'),
    getResult: async () => {
      throw new Error('unused');
    },
    getStatus: async (runId) =>
      ({
        workflowID: runId,
        workflowName: RUN_WORKFLOW,
        status: 'SUCCESS',
        input: ['support', { input: 'hi', owner: 'alice' }],
      }) as never,
    getEvent: async () => null,
    send: record('send'),
    cancel: record('cancel'),
    listWorkflows: async () => [],
    close: async () => {},
  };
  return { api, calls };
}

async function drain(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('DurableRuns: a misspelt access option', () => {
  it('the owner check itself holds: bob cannot read alice’s run', async () => {
    const { api } = backend();
    await expect(drain(createRunsApi(api).events('r1', { owner: 'bob' }))).rejects.toThrow();
  });

  it.each([
    [
      'events',
      (runs: ReturnType<typeof createRunsApi>) =>
        drain(runs.events('r1', { ownr: 'bob' } as never)),
    ],
    [
      'cancel',
      (runs: ReturnType<typeof createRunsApi>) => runs.cancel('r1', { ownr: 'bob' } as never),
    ],
    [
      'pendingApprovals',
      (runs: ReturnType<typeof createRunsApi>) =>
        runs.pendingApprovals('r1', { Owner: 'bob' } as never),
    ],
    [
      'approve',
      (runs: ReturnType<typeof createRunsApi>) =>
        runs.approve('r1', 'c1', { type: 'approve' }, { ownr: 'bob' } as never),
    ],
    [
      'steer',
      (runs: ReturnType<typeof createRunsApi>) =>
        runs.steer('r1', 'stop', { ownr: 'bob' } as never),
    ],
    [
      'send',
      (runs: ReturnType<typeof createRunsApi>) =>
        runs.send('r1', 'topic', 1, { ownr: 'bob' } as never),
    ],
    [
      'start',
      (runs: ReturnType<typeof createRunsApi>) =>
        runs.start('support', { input: 'hi', ownr: 'bob' } as never),
    ],
  ])('%s refuses it naming owner, and nothing reaches the run', async (_method, call) => {
    const { api, calls } = backend();
    const error = await Promise.resolve()
      .then((): Promise<unknown> => call(createRunsApi(api)))
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/owner/);
    expect(calls).toEqual([]);
  });

  // durable-scan50: a chat turn's marks (how much of the history an earlier run found without
  // keys); what is not a count and a fingerprint is refused before anything is enqueued.
  it.each([
    ['a string count', { contents: '2', keys: 'abc' }],
    ['a negative count', { contents: -1, keys: 'abc' }],
    ['no fingerprint', { contents: 2 }],
    ['a long fingerprint', { contents: 2, keys: 'k'.repeat(65) }],
    ['a list', [2, 'abc']],
  ])('start refuses keylessHistory with %s, naming it', async (_label, keylessHistory) => {
    const { api, calls } = backend();
    const started = createRunsApi(api).start('support', {
      input: 'hi',
      history: [],
      keylessHistory: keylessHistory as never,
    });
    await expect(started).rejects.toThrow(/keylessHistory must be \{ contents, keys \}/);
    expect(calls).toEqual([]);
    await createRunsApi(api).start('support', {
      input: 'hi',
      keylessHistory: { contents: 0, keys: 'abc' },
    });
    expect(calls).toEqual(['enqueue']);
  });

  it('list and childRuns refuse a misspelt option too', async () => {
    const { api } = backend();
    const runs = createRunsApi(api);
    await expect(runs.list({ limt: 5 } as never)).rejects.toThrow(/limit/);
    await expect(runs.childRuns('r1', { limt: 5 } as never)).rejects.toThrow(/limit/);
  });
});
