import { createAgent, createGemini, InvalidArgumentError } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { runEval } from './run-eval.ts';

// attack61d: a TypeScript dataset is checked by runEval only (a JSONL one on parsing). A case that
// was `null`, a `cases` that was no list, an `input` object, an id getter that throws: each threw
// a bare TypeError or the caller's own error, or failed every attempt after its model call was
// paid for (`added is not iterable`); a missing `scorers` failed every attempt the same way
// (`settings.scorers is not iterable`). Now each is refused before any model call, typed, naming
// the case.

const KEY = 'AIzaSyA1234567890abcdefghijklmnopqrstuv';

async function refusal(cases: unknown, { scorers }: { scorers: unknown } = { scorers: [] }) {
  await using fake = createFakeGemini({ script: [turn.text('hi'), turn.text('hi')] });
  const gemini = createGemini({ apiKey: 'k', fetch: fake.fetch });
  const error = await runEval({
    mode: 'live',
    cases: cases as never,
    scorers: scorers as never,
    createAgent: () => createAgent({ gemini, model: 'gemini-2.5-flash' }),
    live: { gemini },
  }).catch((thrown: unknown) => thrown);
  return { error: error as InvalidArgumentError, modelCalls: fake.modelRequests.length };
}

const cyclic: Record<string, unknown> = { text: 'hi' };
cyclic['self'] = cyclic;
const throwing = (field: string) =>
  Object.defineProperty({ id: 'c', input: 'q' }, field, {
    enumerable: true,
    get() {
      throw new Error(`getter of ${field}\n${KEY}`);
    },
  });

describe('runEval: a TypeScript dataset gemloop cannot run', () => {
  it.each([
    ['cases that is no list', { length: 1, 0: { id: 'c', input: 'q' } }, 'cases must be a list'],
    ['a case that is null', [null], 'cases[0] must be a case object'],
    ['a case that is text', ['hello'], 'cases[0] must be a case object'],
    ['an id that is a number', [{ id: 5, input: 'q' }], 'cases[0] has the id number'],
    ['an input object', [{ id: 'c', input: { text: 'hi' } }], 'has an input that is object'],
    ['an input with a cycle', [{ id: 'c', input: cyclic }], 'has an input that is object'],
    ['an input holding a BigInt', [{ id: 'c', input: { n: 1n } }], 'has an input that is object'],
    [
      'a conversation that is text',
      [{ id: 'c', conversation: 'hi' }],
      'conversation that is no list',
    ],
    [
      'a history that is an object',
      [{ id: 'c', input: 'q', history: {} }],
      'history that is no list',
    ],
    ['an id getter that throws', [throwing('id')], 'cases[0] cannot be read'],
    ['an input getter that throws', [throwing('input')], 'cases[0] cannot be read'],
  ])('%s: InvalidArgumentError naming the case, no model call', async (_name, cases, words) => {
    const { error, modelCalls } = await refusal(cases);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.argument).toBe('cases');
    expect(error.message).toContain(words);
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain('\n');
    expect(modelCalls).toBe(0);
  });

  it('a repeated id holding a line break and a key: quoted escaped, the key redacted', async () => {
    const id = `a\n${KEY}`;
    const { error } = await refusal([
      { id, input: 'q' },
      { id, input: 'q' },
    ]);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toContain('is used twice');
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain('\n');
  });

  it('no scorers: refused before any model call, not failed in every attempt', async () => {
    const { error, modelCalls } = await refusal([{ id: 'c', input: 'q' }], { scorers: undefined });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.argument).toBe('scorers');
    expect(modelCalls).toBe(0);
  });
});
