import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createBatches } from '../http/batches/create-batches.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createFiles } from '../http/files/create-files.ts';
import type { BatchRunsState } from './batch-runs.ts';
import { createBatchRuns } from './create-batch-runs.ts';

// Outside attacks on batch runs (attack13): a batch's answers and a saved state are bytes from
// elsewhere (a gateway, a file the app wrote and reads back after a restart).

/** A Batch API double whose succeeded job answers each key with `line(key)` inline. */
function gateway(line: (key: string) => Record<string, unknown>) {
  let keys: string[] = [];
  const gemini = createGemini({
    apiKey: 'k',
    baseUrl: 'https://gateway.test',
    retry: false,
    fetch: async (input, init) => {
      const url = String(input);
      if (url.includes(':batchGenerateContent')) {
        const body = JSON.parse(String(init?.body)) as {
          batch: { inputConfig: { requests: { requests: Array<{ metadata: { key: string } }> } } };
        };
        keys = body.batch.inputConfig.requests.requests.map((each) => each.metadata.key);
        return Response.json({ name: 'batches/b1', metadata: { state: 'BATCH_STATE_PENDING' } });
      }
      return Response.json({
        name: 'batches/b1',
        done: true,
        metadata: {
          state: 'BATCH_STATE_SUCCEEDED',
          output: {
            inlinedResponses: {
              inlinedResponses: keys.map((key) => ({ metadata: { key }, ...line(key) })),
            },
          },
        },
      });
    },
  });
  return Object.assign(gemini, { files: createFiles(gemini), batches: createBatches(gemini) });
}

describe('createBatchRuns: a hostile line error', () => {
  it.each([
    ['an object', { nested: { deep: true } }],
    ['a number', 42],
    ['5 MB of text', 'x'.repeat(5_000_000)],
  ])('fails the run with a bounded text when the error message is %s', async (_label, message) => {
    const gemini = gateway(() => ({ error: { code: 13, message } }));
    const runs = createBatchRuns({ gemini, model: 'gemini-2.5-flash', pollIntervalMs: 0 });
    const done = await runs.run(runs.start(['a', 'b']));
    for (const run of done.runs) {
      expect(run.status).toBe('failed');
      expect(typeof run.error).toBe('string');
      expect((run.error as string).length).toBeLessThanOrEqual(1200);
      if (typeof message === 'string') expect(run.error).toContain('xxxx');
    }
  });

  it('keeps a plain error message as it is', async () => {
    const gemini = gateway(() => ({ error: { code: 8, message: 'Quota exceeded.' } }));
    const runs = createBatchRuns({ gemini, model: 'gemini-2.5-flash', pollIntervalMs: 0 });
    const done = await runs.run(runs.start(['a']));
    expect(done.runs[0]?.error).toBe('Quota exceeded.');
  });
});

describe('createBatchRuns: a hostile saved state', () => {
  const gemini = gateway((key) => ({
    response: { candidates: [{ content: { role: 'model', parts: [{ text: key }] } }] },
  }));
  const runs = createBatchRuns({ gemini, model: 'gemini-2.5-flash', pollIntervalMs: 0 });
  const good = runs.start(['a']);
  const run0 = good.runs[0] as BatchRunsState['runs'][number];
  it.each([
    ['a run that is null', { ...good, runs: [null] }],
    ['a run whose contents are a string', { ...good, runs: [{ ...run0, contents: 'hi' }] }],
    ['a run without a key', { ...good, runs: [{ ...run0, key: 5 }] }],
    ['a run of an unknown status', { ...good, runs: [{ ...run0, status: 'paused' }] }],
    ['two runs with one key', { ...good, runs: [run0, run0] }],
    [
      'a pending round whose keys are text',
      { ...good, pending: { batchName: 'batches/b1', keys: 'run-0' } },
    ],
    ['a pending round without a batch name', { ...good, pending: { keys: ['run-0'] } }],
  ])('refuses %s with an InvalidArgumentError naming what is wrong', async (_label, state) => {
    const hostile = state as unknown as BatchRunsState;
    await expect(runs.step(hostile)).rejects.toThrow(InvalidArgumentError);
    await expect(runs.step(hostile)).rejects.toThrow(/state/);
    expect(() => runs.retry(hostile)).toThrow(InvalidArgumentError);
  });

  it('still steps a state read back through JSON', async () => {
    const done = await runs.run(JSON.parse(JSON.stringify(good)) as BatchRunsState);
    expect(done.runs.map((run) => [run.status, run.text])).toEqual([['done', 'run-0']]);
  });
});
