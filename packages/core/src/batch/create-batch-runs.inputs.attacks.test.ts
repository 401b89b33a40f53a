import { createGemini, InvalidArgumentError } from '@gemloop/core';
import { type BatchRunsState, createBatchRuns } from '@gemloop/core/batch';
import { describe, expect, it } from 'vitest';

// attack59: the inputs of a batch job come from elsewhere (a CSV, a database, another SDK's
// messages), and a batch answers hours later. start() sent whatever it was given: a history the
// API refuses (a 'system' role, an empty list, parts that are text) went out in the job and came
// back a day later as a failed line (or failed the whole job's creation), and an input that is
// neither a prompt nor a history failed as a bare TypeError naming nothing. Each is refused when
// the job starts, naming the input and what is wrong, before anything is sent.

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

const GOOD = 'What is the weather in Paris?';

describe('createBatchRuns().start() on inputs the API would refuse', () => {
  it.each<[string, unknown, RegExp]>([
    [
      'a number',
      5,
      /inputs\[1\] must be a prompt \(a string\) or a history \(an array of contents\); got 5/,
    ],
    ['null', null, /inputs\[1\] must be a prompt.*got null/],
    [
      'an object',
      { role: 'user', parts: [{ text: 'hi' }] },
      /inputs\[1\] must be a prompt.*got an object/,
    ],
    [
      'an empty history',
      [],
      /inputs\[1\] is a history the Gemini API would reject: contents is empty/,
    ],
    [
      "a history with a 'system' role",
      [{ role: 'system', parts: [{ text: 'Be brief.' }] }],
      /inputs\[1\] is a history the Gemini API would reject: contents\[0\]\.role is "system".*systemInstruction/,
    ],
    [
      'a history whose parts are text',
      [{ role: 'user', parts: 'hello' }],
      /inputs\[1\] .*contents\[0\]\.parts must be an array/,
    ],
    [
      'a history whose getter throws',
      [
        {
          role: 'user',
          get parts(): never {
            throw new Error('lazy row');
          },
        },
      ],
      /inputs\[1\] .*contents\[0\] could not be read/,
    ],
  ])('refuses %s with an InvalidArgumentError naming the input', (_label, input, message) => {
    const error = (() => {
      try {
        runs.start([GOOD, input as string, GOOD]);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('inputs[1]');
    expect((error as Error).message).toMatch(message);
    expect(requests).toBe(0);
  });

  it('names the first issues of a history with many, and how many there are', () => {
    const history = Array.from({ length: 12 }, () => ({ role: 'tool', parts: [{ text: 'x' }] }));
    expect(() => runs.start([history as never])).toThrow(
      /contents\[0\].*contents\[2\].*\(12 problems in all\.\)/s,
    );
  });

  it('still starts prompts, an empty prompt and histories the API takes, copied', () => {
    const history = [
      { role: 'user' as const, parts: [{ text: 'Hi' }] },
      { role: 'model' as const, parts: [{ text: 'Hello.' }] },
      { role: 'user' as const, parts: [{ text: 'Weather?' }] },
    ];
    const state = runs.start([GOOD, '', history, GOOD]);
    expect(state.runs.map((run) => run.contents.length)).toEqual([1, 1, 3, 1]);
    expect(state.runs[2]?.contents).toEqual(history);
    expect(state.runs[2]?.contents).not.toBe(history);
  });
});

// attack59: a saved batch state is a file read back after a restart (or edited by hand, or
// another job's). step() checks it before any request (attack13), but not all of it: a run whose
// `usage` was null failed with "TypeError: Cannot read properties of null" only once the round's
// batch had answered (billed, its answers dropped with the throw), a text `round` came back as
// "abc1", and a running run's tampered history (a 'system' role, no contents) went out in the job
// to fail a day later, or failed in the batch request's check under a name the state does not
// have (`request.requests[0].request.contents`).

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
