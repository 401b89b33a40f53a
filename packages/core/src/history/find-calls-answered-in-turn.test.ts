import { describe, expect, it } from 'vitest';
import type { Part } from '../wire/content.ts';
import { findCallsAnsweredInTurn, hasClientCall } from './find-calls-answered-in-turn.ts';

// A model turn can carry a call the server ran itself (a built-in tool): its response arrives in
// the same turn. Such a call is not the client's to run.

const call = (name: string, id?: string): Part => ({
  functionCall: { name, args: {}, ...(id ? { id } : {}) },
});
const response = (name: string, id?: string): Part => ({
  functionResponse: { name, response: { ok: true }, ...(id ? { id } : {}) },
});

describe('findCallsAnsweredInTurn', () => {
  it('is undefined for a turn of calls without responses (nothing allocated)', () => {
    expect(findCallsAnsweredInTurn([call('a'), call('b')])).toBeUndefined();
    expect(findCallsAnsweredInTurn([])).toBeUndefined();
  });

  it('pairs a response with the call of the same id before it', () => {
    const first = call('search', 'c1');
    const second = call('search', 'c2');
    const answered = findCallsAnsweredInTurn([first, second, response('search', 'c2')]);
    expect(answered?.has(second)).toBe(true);
    expect(answered?.has(first)).toBe(false);
  });

  it('pairs by name when the response has no id, one call per response, in order', () => {
    const first = call('search');
    const second = call('search');
    const answered = findCallsAnsweredInTurn([first, second, response('search')]);
    expect(answered?.has(first)).toBe(true);
    expect(answered?.has(second)).toBe(false);
    const both = findCallsAnsweredInTurn([first, second, response('search'), response('search')]);
    expect(both?.size).toBe(2);
  });

  it('never pairs a response with a call that comes after it', () => {
    const later = call('search');
    expect(findCallsAnsweredInTurn([response('search'), later])).toBeUndefined();
  });

  it('skips parts that are not objects and responses that are not objects', () => {
    const parts = [
      null,
      'text',
      { functionResponse: 'x' },
      call('a'),
      { functionCall: null },
      response('a'),
    ] as unknown as Part[];
    expect(findCallsAnsweredInTurn(parts)?.size).toBe(1);
  });

  it('reads the snake_case spelling the API also takes', () => {
    const snake = { function_call: { name: 'a', args: {} } } as unknown as Part;
    const answer = { function_response: { name: 'a', response: {} } } as unknown as Part;
    expect(findCallsAnsweredInTurn([snake, answer])?.has(snake)).toBe(true);
  });
});

describe('hasClientCall', () => {
  it('is true while any call of the turn is unanswered', () => {
    expect(hasClientCall([call('a')])).toBe(true);
    expect(hasClientCall([call('a', '1'), call('b', '2'), response('a', '1')])).toBe(true);
  });

  it('is false for a turn whose calls the server answered, and for a turn without calls', () => {
    expect(hasClientCall([call('a', '1'), response('a', '1')])).toBe(false);
    expect(hasClientCall([{ text: 'hello' }])).toBe(false);
    expect(hasClientCall([])).toBe(false);
  });
});
