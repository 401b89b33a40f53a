import { describe, expect, it } from 'vitest';
import { readLatestExchanges, readLoopExchanges } from './read-loop-exchanges.ts';

// How the demo model reads the tool calls of the current loop and their results from a history.

const user = (text: string) => ({ role: 'user', parts: [{ text }] });
const calls = (...list: Array<Record<string, unknown>>) => ({
  role: 'model',
  parts: list.map((functionCall) => ({ functionCall })),
});
const responses = (...list: Array<Record<string, unknown>>) => ({
  role: 'user',
  parts: list.map((functionResponse) => ({ functionResponse })),
});

describe('readLoopExchanges', () => {
  it('pairs calls with responses by position since the last user text', () => {
    const contents = [
      user('old'),
      calls({ name: 'old_tool', args: {} }),
      responses({ name: 'old_tool', response: { x: 0 } }),
      user('weather?'),
      calls({ name: 'weather', args: { city: 'Paris' } }, { name: 'time', args: {} }),
      responses({ name: 'weather', response: { t: 20 } }, { name: 'time', response: { h: 9 } }),
    ];
    expect(readLoopExchanges(contents)).toEqual([
      { name: 'weather', args: { city: 'Paris' }, response: { t: 20 } },
      { name: 'time', args: {}, response: { h: 9 } },
    ]);
  });

  it('pairs by id when the responses come back in another order', () => {
    const contents = [
      user('q'),
      calls({ id: 'a', name: 'one', args: {} }, { id: 'b', name: 'two', args: {} }),
      responses({ id: 'b', name: 'two', response: 2 }, { id: 'a', name: 'one', response: 1 }),
    ];
    expect(readLoopExchanges(contents).map((exchange) => exchange.response)).toEqual([1, 2]);
  });

  it('reads the snake_case spelling', () => {
    const contents = [
      user('q'),
      { role: 'model', parts: [{ function_call: { name: 'a', args: { n: 1 } } }] },
      { role: 'user', parts: [{ function_response: { name: 'a', response: { ok: true } } }] },
    ];
    expect(readLoopExchanges(contents)).toEqual([
      { name: 'a', args: { n: 1 }, response: { ok: true } },
    ]);
  });

  it('takes a call still waiting for its response, with no response', () => {
    expect(readLoopExchanges([user('q'), calls({ name: 'a', args: {} })])).toEqual([
      { name: 'a', args: {}, response: undefined },
    ]);
  });

  it('survives hostile shapes: null parts, a nameless call, args of the wrong type', () => {
    const contents = [
      null,
      'text',
      { role: 'model', parts: null },
      user('q'),
      { role: 'model', parts: [null, 3, { functionCall: null }, { functionCall: { args: [1] } }] },
      { role: 'user', parts: 'nope' },
    ];
    expect(readLoopExchanges(contents)).toEqual([{ name: 'tool', args: {}, response: undefined }]);
    expect(readLoopExchanges([])).toEqual([]);
  });

  it('does not start a loop at a user content of responses or of empty text', () => {
    const contents = [
      user('q'),
      calls({ name: 'a', args: {} }),
      responses({ name: 'a', response: 1 }),
      { role: 'user', parts: [{ text: '' }] },
      calls({ name: 'b', args: {} }),
      responses({ name: 'b', response: 2 }),
    ];
    expect(readLoopExchanges(contents).map((exchange) => exchange.name)).toEqual(['a', 'b']);
  });
});

describe('readLatestExchanges', () => {
  it('looks past a follow-up user text to the loop that made calls, with its question', () => {
    const contents = [
      user('weather in Paris?'),
      calls({ name: 'weather', args: { city: 'Paris' } }),
      responses({ name: 'weather', response: { t: 20 } }),
      { role: 'model', parts: [{ text: 'It is 20.' }] },
      user('Now give your final answer as JSON'),
    ];
    expect(readLatestExchanges(contents)).toEqual({
      exchanges: [{ name: 'weather', args: { city: 'Paris' }, response: { t: 20 } }],
      question: 'weather in Paris?',
    });
  });

  it('joins the question text parts and leaves thoughts out', () => {
    const contents = [
      {
        role: 'user',
        parts: [{ text: 'first' }, { text: 'secret', thought: true }, { text: 'second' }],
      },
      calls({ name: 'a', args: {} }),
    ];
    expect(readLatestExchanges(contents).question).toBe('first\nsecond');
  });

  it('answers calls made before any user text with no question', () => {
    expect(readLatestExchanges([calls({ name: 'a', args: {} })])).toEqual({
      exchanges: [{ name: 'a', args: {}, response: undefined }],
      question: undefined,
    });
  });

  it('answers nothing for a history without calls', () => {
    expect(readLatestExchanges([user('a'), user('b')])).toEqual({
      exchanges: [],
      question: undefined,
    });
    expect(readLatestExchanges([])).toEqual({ exchanges: [], question: undefined });
  });

  it('reads a long history in one pass per loop', () => {
    const contents = Array.from({ length: 20_000 }, (_, index) => user(`q${index}`));
    contents.push(calls({ name: 'a', args: {} }) as never);
    expect(readLatestExchanges(contents).question).toBe('q19999');
  });
});
