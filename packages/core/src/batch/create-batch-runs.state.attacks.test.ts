import { createGemini, InvalidArgumentError } from '@gemloop/core';
import { type BatchRunsState, createBatchRuns } from '@gemloop/core/batch';
import { describe, expect, it } from 'vitest';

// attack59: a saved batch state is a file read back after a restart (or edited by hand, or
// another job's). step() checks it before any request (attack13), but not all of it: a run whose
// `usage` was null failed with "TypeError: Cannot read properties of null" only once the round's
// batch had answered (billed, its answers dropped with the throw), a text `round` came back as
// "abc1", and a running run's tampered history (a 'system' role, no contents) went out in the job
// to fail a day later, or failed in the batch request's check under a name the state does not
// have (`request.requests[0].request.contents`).

let requests = 0;
const gemini = createGemini({
  apiKey: 'test-key',
  baseUrl: 'https://gateway.test',
  retry: false,
  fetch: async () => {
    requests++;
    return Response.json({ name: 'batches/b1', metadata: { state: 'BATCH_STATE_PENDING' } });
  },
});
const runs = createBatchRuns({ gemini, model: 'gemini-2.5-flash', pollIntervalMs: 0 });
const good = runs.start(['a', 'b']);
const [run0, run1] = good.runs as [BatchRunsState['runs'][number], BatchRunsState['runs'][number]];

describe('createBatchRuns: a saved state with a hostile usage, round or history', () => {
  it.each<[string, unknown, RegExp]>([
    [
      'a run whose usage is null',
      { ...good, runs: [{ ...run0, usage: null }, run1] },
      /state\.runs\[0\] has a usage that is not/,
    ],
    [
      'a run whose usage is text',
      { ...good, runs: [run0, { ...run1, usage: 'x' }] },
      /state\.runs\[1\] has a usage that is not/,
    ],
    ['a round that is text', { ...good, round: 'abc' }, /state\.round must be a count of rounds/],
    ['a negative round', { ...good, round: -1 }, /state\.round must be a count of rounds/],
    [
      "a running run whose history has a 'system' role",
      {
        ...good,
        runs: [run0, { ...run1, contents: [{ role: 'system', parts: [{ text: 'x' }] }] }],
      },
      /state\.runs\[1\] has a history the Gemini API would reject: contents\[0\]\.role is "system"/,
    ],
    [
      'a running run with no contents',
      { ...good, runs: [{ ...run0, contents: [] }, run1] },
      /state\.runs\[0\] has a history the Gemini API would reject: contents is empty/,
    ],
  ])('refuses %s before any request, naming it', async (_label, state, message) => {
    const hostile = state as unknown as BatchRunsState;
    for (const attempt of [() => runs.step(hostile), async () => runs.retry(hostile)]) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe('state');
      expect((error as Error).message).toMatch(message);
    }
    expect(requests).toBe(0);
  });

  it('leaves the history of a run that is done or failed to the app (it is not sent again)', () => {
    const done = {
      ...good,
      runs: [{ ...run0, status: 'done', contents: [{ role: 'system', parts: [{ text: 'x' }] }] }],
    } as unknown as BatchRunsState;
    expect(runs.isDone(done)).toBe(true);
    expect(() => runs.retry(done, { keys: [] })).not.toThrow();
  });
});
