import { describe, expect, it } from 'vitest';
import { isValidGeminiFunctionName, toGeminiFunctionNames } from './to-gemini-function-names.ts';

describe('toGeminiFunctionNames', () => {
  it('keeps valid names as they are and reports nothing', () => {
    expect(
      toGeminiFunctionNames({ mcpNames: ['search', 'repo.list', 'ns:get-item', '_x'] }),
    ).toEqual({
      names: ['search', 'repo.list', 'ns:get-item', '_x'],
      renamed: [],
    });
  });

  it('makes every kind of invalid name valid', () => {
    const mcpNames = ['', 'héllo wörld', '-flag', '.hidden', '9lives', 'emoji😀', 'a'.repeat(300)];
    const { names } = toGeminiFunctionNames({ mcpNames });
    for (const name of names) expect(isValidGeminiFunctionName(name)).toBe(true);
    expect(names.slice(0, 6)).toEqual([
      '_',
      'h_llo_w_rld',
      '_-flag',
      '_.hidden',
      '_9lives',
      'emoji__',
    ]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives two over-long names with the same start different names', () => {
    const base = 'q'.repeat(200);
    const { names } = toGeminiFunctionNames({ mcpNames: [`${base}1`, `${base}2`] });
    expect(names[0]).not.toBe(names[1]);
    expect(names.map((name) => name.length)).toEqual([128, 128]);
  });

  it('is deterministic across calls', () => {
    const input = { mcpNames: ['a b', 'a/b', 'a_b', 'x'.repeat(200)], prefix: 'srv_' };
    expect(toGeminiFunctionNames(input)).toEqual(toGeminiFunctionNames(input));
  });

  it('keeps a server that lists one name twice callable under two names', () => {
    const { names, renamed } = toGeminiFunctionNames({ mcpNames: ['dup', 'dup'] });
    expect(names[0]).toBe('dup');
    expect(names[1]).toMatch(/^dup_[0-9a-f]{8}$/);
    expect(renamed).toEqual([{ mcpName: 'dup', name: names[1], reasons: ['collision'] }]);
  });

  it('counts up when the hashed name is taken as well', () => {
    const { names } = toGeminiFunctionNames({ mcpNames: ['dup', 'dup', 'dup'] });
    expect(names[2]).toMatch(/^dup_[0-9a-f]{8}_2$/);
    expect(new Set(names).size).toBe(3);
  });
});
