import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { createRunsApi } from './create-runs-api.ts';
import type { RunsBackend } from './runs-backend.ts';

// attack60c: `runs.start()` given inputs a caller's code can hand it. Before, the input was not
// looked at before it was stored: a getter, `toJSON` or Proxy trap that threw left `start()`
// with its own error (its message too: a connection string here), a BigInt, a cycle or deep
// nesting with V8's bare `TypeError`/`RangeError`; a Date was stored as its ISO text and run as
// a message, a Map or a function as nothing, a number or an object enqueued to fail on a worker.
// Each is now an InvalidArgumentError naming the field, before anything is enqueued.

const SECRET = 'postgres://admin:hunter2@db.internal/app';

function startsOn() {
  const enqueued: unknown[] = [];
  const backend = {
    pool: {},
    enqueue: async (_agent: string, _runId: string, input: unknown) => {
      enqueued.push(input);
    },
  } as unknown as RunsBackend;
  return { runs: createRunsApi(backend), enqueued };
}

const throwing = () => {
  throw new Error(SECRET);
};
const cyclic: unknown[] = [{ role: 'user', parts: [{ text: 'hi' }] }];
cyclic.push(cyclic);
let deep: unknown = 'hi';
for (let level = 0; level < 20_000; level++) deep = [deep];

describe('runs.start() with an input JSON cannot store as given', () => {
  it.each([
    [
      'a part whose getter throws',
      [
        {
          role: 'user',
          parts: [
            {
              get text() {
                return throwing();
              },
            },
          ],
        },
      ],
      'input',
      'reading it threw',
    ],
    [
      'a list whose toJSON throws',
      Object.assign([{ text: 'hi' }], { toJSON: throwing }),
      'input',
      'reading it threw',
    ],
    [
      'a Proxy whose traps throw',
      new Proxy([{ text: 'hi' }], { get: throwing, ownKeys: throwing }),
      'input',
      'reading it threw',
    ],
    ['a BigInt in a part', [{ text: 'hi', count: 10n }], 'input', 'it holds a BigInt'],
    ['a cycle', cyclic, 'input', 'a reference to itself'],
    ['nesting past the stack', [deep], 'input', 'nested too deep'],
  ])(
    '%s: refused typed, naming the field, the thrown words never copied',
    async (_name, input, field, why) => {
      const { runs, enqueued } = startsOn();
      const error = await runs
        .start('support', { input: input as never })
        .catch((thrown: unknown) => thrown);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ argument: field });
      expect((error as Error).message).toContain(why);
      expect((error as Error).message).not.toContain('hunter2');
      expect(JSON.stringify(error)).not.toContain('hunter2');
      expect(String((error as Error).cause ?? '')).not.toContain('hunter2');
      expect(enqueued).toEqual([]);
    },
  );

  it('a history whose getter throws: refused naming history', async () => {
    const { runs, enqueued } = startsOn();
    const history = [
      {
        role: 'user',
        get parts() {
          return throwing();
        },
      },
    ];
    const error = await runs
      .start('support', { input: 'hi', history: history as never })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'InvalidArgumentError', argument: 'history' });
    expect((error as Error).message).not.toContain('hunter2');
    expect(enqueued).toEqual([]);
  });
});

describe('runs.start() with an input agent.run() does not take', () => {
  it.each([
    ['a number', 42, 'got 42'],
    ['null', null, 'got null'],
    ['undefined', undefined, 'got undefined'],
    ['a function', () => 'hi', 'got a function'],
    ['a Date (stored as its text, run as a message)', new Date(0), 'got an object'],
    ['a Map (stored as {})', new Map([['text', 'hi']]), 'got an object'],
    ['one content, not in a list', { role: 'user', parts: [{ text: 'hi' }] }, 'got an object'],
    ['an empty list', [], 'empty array'],
  ])('%s: refused before anything is enqueued', async (_name, input, got) => {
    const { runs, enqueued } = startsOn();
    const error = await runs
      .start('support', { input: input as never })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'InvalidArgumentError', argument: 'input' });
    expect((error as Error).message).toContain(got);
    expect(enqueued).toEqual([]);
  });

  it('takes what agent.run() takes, stored as given: a lone surrogate and a __proto__ key among them', async () => {
    const { runs, enqueued } = startsOn();
    // A key read from JSON: an own property, stored and read back as one (no prototype is set).
    const parts = JSON.parse('[{"text":"hi \\ud800","__proto__":{"polluted":true}}]');
    const inputs = ['hi', parts, [{ role: 'user', parts: [{ text: 'hi' }] }]];
    for (const input of inputs) await runs.start('support', { input });
    expect(enqueued.map((each) => JSON.parse(JSON.stringify(each)))).toEqual(
      inputs.map((input) => ({ input: JSON.parse(JSON.stringify(input)) })),
    );
    const stored = JSON.parse(JSON.stringify(enqueued[1])) as { input: Record<string, unknown>[] };
    expect(Object.hasOwn(stored.input[0] as object, '__proto__')).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect((stored.input[0] as { text: string }).text).toBe('hi \ud800');
  });
});
