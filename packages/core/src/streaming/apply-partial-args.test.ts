import { describe, expect, it } from 'vitest';
import { applyPartialArgs, parseJsonPath } from './apply-partial-args.ts';

describe('parseJsonPath', () => {
  it.each([
    ['$.location', ['location']],
    ['$.recipe.ingredients[0].amount', ['recipe', 'ingredients', 0, 'amount']],
    ["$['odd.key'][12]", ['odd.key', 12]],
    ['$["quoted \\" key"]', ['quoted " key']],
    ['location.city', ['location', 'city']],
  ])('reads %s', (path, segments) => {
    expect(parseJsonPath(path)).toEqual(segments);
  });

  it.each(['$', '$..a', '$.a[', '$.a[x]', "$['open", '$a'])('rejects %s', (path) => {
    expect(parseJsonPath(path)).toBeUndefined();
  });
});

describe('applyPartialArgs', () => {
  it('concatenates a string streamed over several fragments', () => {
    const args: Record<string, unknown> = {};
    const continuing = new Set<string>();
    applyPartialArgs(
      args,
      [{ jsonPath: '$.s', stringValue: 'Bos', willContinue: true }],
      continuing,
    );
    applyPartialArgs(
      args,
      [{ jsonPath: '$.s', stringValue: 'ton', willContinue: true }],
      continuing,
    );
    applyPartialArgs(args, [{ jsonPath: '$.s', stringValue: '' }], continuing);
    expect(args).toEqual({ s: 'Boston' });
    expect(continuing.size).toBe(0);
  });

  it('replaces a finished string rather than appending to it', () => {
    const args: Record<string, unknown> = {};
    const continuing = new Set<string>();
    applyPartialArgs(args, [{ jsonPath: '$.s', stringValue: 'old' }], continuing);
    applyPartialArgs(args, [{ jsonPath: '$.s', stringValue: 'new' }], continuing);
    expect(args).toEqual({ s: 'new' });
  });

  it('keeps a value whose path cannot be followed under the raw path', () => {
    const args: Record<string, unknown> = { a: 'text' };
    applyPartialArgs(
      args,
      [
        { jsonPath: '$.a.b', numberValue: 1 },
        { jsonPath: '$[0]', boolValue: true },
        { jsonPath: '$..bad', stringValue: 'x' },
      ],
      new Set(),
    );
    expect(args).toEqual({ a: 'text', '$.a.b': 1, '$[0]': true, '$..bad': 'x' });
  });

  it('stores __proto__ as a plain key without touching the prototype', () => {
    const args: Record<string, unknown> = {};
    applyPartialArgs(
      args,
      [
        { jsonPath: '$.__proto__.polluted', boolValue: true },
        { jsonPath: '$.constructor', stringValue: 'c' },
      ],
      new Set(),
    );
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    expect(JSON.parse(JSON.stringify(args))).toEqual(
      JSON.parse('{"__proto__":{"polluted":true},"constructor":"c"}'),
    );
  });

  it('refuses an array index far past the end instead of allocating it', () => {
    const args: Record<string, unknown> = {};
    applyPartialArgs(args, [{ jsonPath: '$.list[1000000000]', numberValue: 1 }], new Set());
    expect(args).toEqual({ list: [], '$.list[1000000000]': 1 });
  });

  it('ignores fragments without a path or a value', () => {
    const args: Record<string, unknown> = {};
    applyPartialArgs(args, [{ stringValue: 'x' }, { jsonPath: '$.a' }], new Set());
    expect(args).toEqual({});
  });
});
