import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  checkEmbedding,
  checkMemoryKind,
  checkMemoryText,
  checkScope,
  checkSearchBounds,
  MAX_MEMORY_TEXT,
  MAX_SCOPE_LENGTH,
} from './check-memory-input.ts';

// Every memory store checks its input with these before it touches its data: a wrong value is
// a typed error naming the argument, never a TypeError of its own, and never a memory's text.

function refusal(action: () => void): InvalidArgumentError {
  try {
    action();
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
    return error as InvalidArgumentError;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('checkScope', () => {
  it('takes a user id from 1 to 256 characters, any characters', () => {
    for (const scope of ['u', 'user:42', 'x'.repeat(MAX_SCOPE_LENGTH), '😀', ' ', 'a\u0000b']) {
      expect(() => checkScope(scope)).not.toThrow();
    }
  });

  it('refuses an empty, too long or non-string scope, saying its length or type only', () => {
    expect(refusal(() => checkScope('')).message).toContain('got a string of 0');
    const long = refusal(() => checkScope('s'.repeat(MAX_SCOPE_LENGTH + 1)));
    expect(long.argument).toBe('scope');
    expect(long.message).toContain(`got a string of ${MAX_SCOPE_LENGTH + 1}`);
    expect(long.message).not.toContain('sss');
    for (const [scope, type] of [
      [42, 'number'],
      [null, 'object'],
      [undefined, 'undefined'],
      [10n, 'bigint'],
    ] as const) {
      expect(refusal(() => checkScope(scope)).message).toContain(`got ${type}`);
    }
  });
});

describe('checkMemoryText', () => {
  it('takes text up to 4000 characters', () => {
    expect(() => checkMemoryText('Likes tea.')).not.toThrow();
    expect(() => checkMemoryText('x'.repeat(MAX_MEMORY_TEXT))).not.toThrow();
  });

  it('refuses blank, too long or non-string text, never quoting it', () => {
    for (const text of ['', '   \n\t', 'secret '.repeat(700), 5, null]) {
      const error = refusal(() => checkMemoryText(text));
      expect(error.argument).toBe('text');
      expect(error.message).not.toContain('secret');
    }
    expect(refusal(() => checkMemoryText('y'.repeat(MAX_MEMORY_TEXT + 1))).message).toContain(
      `got ${MAX_MEMORY_TEXT + 1} characters`,
    );
  });
});

describe('checkMemoryKind', () => {
  it("takes 'fact' and 'episode' only", () => {
    expect(() => checkMemoryKind('fact')).not.toThrow();
    expect(() => checkMemoryKind('episode')).not.toThrow();
    for (const kind of ['Fact', 'preference', '', undefined, 1]) {
      expect(refusal(() => checkMemoryKind(kind)).argument).toBe('kind');
    }
  });

  it('names the value it refuses with a typed error, a bigint or a circular object included', () => {
    expect(refusal(() => checkMemoryKind('note')).message).toContain('got "note"');
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    for (const kind of [10n, circular, Symbol('kind')]) {
      expect(refusal(() => checkMemoryKind(kind)).argument).toBe('kind');
    }
  });
});

describe('checkEmbedding', () => {
  it('takes a non-empty list of finite numbers', () => {
    expect(() => checkEmbedding([0, -1, 0.5])).not.toThrow();
  });

  it('refuses an empty list, NaN, Infinity, strings and non-lists, naming the argument given', () => {
    for (const embedding of [
      [],
      [Number.NaN],
      [1, Number.POSITIVE_INFINITY],
      ['1'],
      new Float32Array(3),
      {},
    ]) {
      expect(refusal(() => checkEmbedding(embedding, 'records[2].embedding')).argument).toBe(
        'records[2].embedding',
      );
    }
    expect(refusal(() => checkEmbedding(null)).argument).toBe('embedding');
  });
});

describe('checkSearchBounds', () => {
  it('takes a positive whole limit and a finite or absent minScore', () => {
    expect(() => checkSearchBounds(1, undefined)).not.toThrow();
    expect(() => checkSearchBounds(Number.MAX_SAFE_INTEGER, -1)).not.toThrow();
    expect(() => checkSearchBounds(5, 0.75)).not.toThrow();
  });

  it('refuses a limit that would slice wrongly: 0, negative, fractional, NaN, unsafe, a string', () => {
    for (const limit of [0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, '5', null]) {
      expect(refusal(() => checkSearchBounds(limit, undefined)).argument, String(limit)).toBe(
        'limit',
      );
    }
  });

  it('says the value it refuses as it is: NaN is not reported as null', () => {
    expect(refusal(() => checkSearchBounds(Number.NaN, undefined)).message).toContain('got NaN');
    expect(refusal(() => checkSearchBounds(5, Number.NaN)).message).toContain('got NaN');
    expect(refusal(() => checkSearchBounds(5, Number.NEGATIVE_INFINITY)).message).toContain(
      'got -Infinity',
    );
  });

  it('refuses a bigint limit or minScore with the typed error, not a TypeError', () => {
    expect(refusal(() => checkSearchBounds(5n, undefined)).argument).toBe('limit');
    expect(refusal(() => checkSearchBounds(5, 1n)).argument).toBe('minScore');
  });
});
