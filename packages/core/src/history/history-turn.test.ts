import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Content } from '../wire/content.ts';
import { flattenHistoryTurns, type HistoryTurn, isHistoryTurnList } from './history-turn.ts';

const user = (text: string): Content => ({ role: 'user', parts: [{ text }] });
const model = (text: string): Content => ({ role: 'model', parts: [{ text }] });

function refusal(turns: unknown): InvalidArgumentError {
  try {
    flattenHistoryTurns(turns as HistoryTurn[], {
      model: 'gemini-3-flash-preview',
      argument: 'history',
    });
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('isHistoryTurnList', () => {
  it('tells a list of turns from a list of contents by its first element', () => {
    expect(isHistoryTurnList([{ contents: [user('hi')] }])).toBe(true);
    expect(isHistoryTurnList([{ contents: [], model: 'unknown' }])).toBe(true);
    expect(isHistoryTurnList([user('hi')])).toBe(false);
    // A content that happens to carry a `contents` field is still a content.
    expect(isHistoryTurnList([{ role: 'user', parts: [], contents: [] }])).toBe(false);
    expect(isHistoryTurnList([{ parts: [], contents: [] }])).toBe(false);
  });

  it('is false for lists whose first element is not an object', () => {
    for (const first of [null, undefined, 'contents', 1, ['contents']]) {
      expect(isHistoryTurnList([first])).toBe(false);
    }
  });

  it('does not read a contents key planted on the prototype', () => {
    const planted = JSON.parse('{"__proto__": {"contents": []}}') as unknown;
    // JSON.parse makes `__proto__` an own key; the object itself has no `contents`.
    expect(isHistoryTurnList([planted])).toBe(false);
  });
});

describe('flattenHistoryTurns', () => {
  it('returns the same content objects in order, and no producers when every turn is the agent’s', () => {
    const first = [user('a'), model('b')];
    const second = [user('c')];
    const flat = flattenHistoryTurns(
      [{ contents: first }, { contents: second, model: 'models/gemini-3-flash-preview' }],
      { model: 'gemini-3-flash-preview', argument: 'history' },
    );
    expect(flat.contents).toEqual([...first, ...second]);
    expect(flat.contents[0]).toBe(first[0]);
    expect(flat.producers).toBeUndefined();
  });

  it("names another model's contents, one entry per content", () => {
    const flat = flattenHistoryTurns(
      [
        { contents: [user('a'), model('b')], model: 'gemini-2.5-pro' },
        { contents: [user('c'), model('d')] },
        { contents: [model('e')], model: 'unknown' },
      ],
      { model: 'gemini-3-pro-preview', argument: 'history' },
    );
    expect(flat.producers).toEqual([
      'gemini-2.5-pro',
      'gemini-2.5-pro',
      undefined,
      undefined,
      'unknown',
    ]);
    expect(flat.contents).toHaveLength(5);
  });

  it('accepts an empty list and empty turns', () => {
    expect(flattenHistoryTurns([], { model: 'm', argument: 'history' })).toEqual({
      contents: [],
      producers: undefined,
    });
    expect(
      flattenHistoryTurns([{ contents: [] }], { model: 'm', argument: 'history' }).contents,
    ).toEqual([]);
  });

  it('names the turn that is not { contents, model? }', () => {
    const error = refusal([{ contents: [user('a')] }, user('b')]);
    expect(error.argument).toBe('history[1]');
    expect(error.message).toContain('history[1] is not a turn { contents, model? }');
    expect(refusal([null]).argument).toBe('history[0]');
    expect(refusal([{ contents: 'text' }]).argument).toBe('history[0]');
  });

  it('refuses a model that is not a non-empty string, quoting it', () => {
    for (const bad of ['', '   ', 42, null, { name: 'x' }]) {
      const error = refusal([{ contents: [], model: bad }]);
      expect(error.argument).toBe('history[0].model');
      expect(error.message).toContain("or 'unknown' when nobody knows");
    }
    expect(refusal([{ contents: [], model: 42 }]).message).toMatch(/got 42\.$/);
  });

  it('names the argument it was given, for input as for history', () => {
    try {
      flattenHistoryTurns([{ contents: [], model: '' }], { model: 'm', argument: 'input' });
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidArgumentError).argument).toBe('input[0].model');
    }
  });
});
