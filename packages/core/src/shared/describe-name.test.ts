import { describe, expect, it } from 'vitest';
import { toFilePath } from '../http/files/to-file-path.ts';
import { describeName } from './describe-name.ts';

describe('describeName (a wrong resource name, quoted in an error)', () => {
  it('quotes a string as JSON, cut at 200 characters and never inside an emoji', () => {
    expect(describeName('files/a b')).toBe('"files/a b"');
    const quoted = describeName(`${'x'.repeat(199)}😀tail`);
    expect(quoted).toBe(`"${'x'.repeat(199)}"`);
    expect(describeName('line\nbreak"')).toBe('"line\\nbreak\\""');
  });

  it('writes what JSON can write, and names the rest without throwing', () => {
    expect(describeName(42)).toBe('42');
    expect(describeName(undefined)).toBe('undefined');
    expect(describeName(null)).toBe('null');
    expect(describeName(10n)).toBe('10');
    expect(describeName(Symbol('files/x'))).toBe('Symbol(files/x)');
    expect(describeName(() => 'files/x')).toBe('a function');
    expect(describeName({ name: 'files/x' })).toBe('{"name":"files/x"}');
    expect(describeName({ toJSON: () => ({ big: 1n }) })).toBe('an object');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(describeName(cyclic)).toBe('an object');
    expect(describeName({ long: 'y'.repeat(1_000) }).length).toBe(200);
  });

  it('keeps a bad file name a typed error (toFilePath), whatever it was', () => {
    for (const name of [10n, Symbol('x'), { toJSON: () => 1n }])
      expect(() => toFilePath(name)).toThrow(/name must be a file name such as 'files\/abc123'/);
  });
});
