import { describe, expect, it } from 'vitest';
import { quotedValue } from './escape-controls.ts';
import { parseFaultFlag } from './fake/parse-fault-flag.ts';

// misc66 (leftovers83's "left alone"): `quotedValue` put a value in double quotes with its `"`
// and backslashes as they were: `--fault 'a"b'` printed `"a"b"`, where the value seems to end
// after `a`, and `x\u001b` typed (six characters) printed as the escaped ESC does. Now one rule
// reads every quoted value back: `\\`, `\"`, `\n`, `\r`, `\t`, `\uXXXX` are escapes, any other
// backslash is itself (a Windows path keeps its single ones).

/** The value a quoted one reads as, by the rule above; `undefined` when it is not one. */
function readBack(quoted: string): string | undefined {
  if (!quoted.startsWith('"') || !quoted.endsWith('"') || quoted.length < 2) return undefined;
  const inner = quoted.slice(1, -1);
  let value = '';
  for (let at = 0; at < inner.length; at++) {
    const char = inner[at] as string;
    // A quote that no backslash escapes ends the value: it must not be inside one.
    if (char === '"') return undefined;
    if (char !== '\\') {
      value += char;
      continue;
    }
    const next = inner[at + 1];
    if (next === '\\' || next === '"') {
      value += next;
      at += 1;
    } else if (next === 'n' || next === 'r' || next === 't') {
      value += { n: '\n', r: '\r', t: '\t' }[next];
      at += 1;
    } else if (next === 'u' && /^[0-9a-f]{4}$/.test(inner.slice(at + 2, at + 6))) {
      value += String.fromCharCode(Number.parseInt(inner.slice(at + 2, at + 6), 16));
      at += 5;
    } else if (next === 'u' || next === undefined) {
      // `\u` without four hex digits, or a backslash that escapes the closing quote: ambiguous.
      return undefined;
    } else value += '\\';
  }
  return value;
}

describe('quotedValue reads back as the value, one way only', () => {
  it('a `"` in the value is escaped: `a"b` is `"a\\"b"`', () => {
    expect(quotedValue('a"b')).toBe('"a\\"b"');
    expect(readBack(quotedValue('a"b'))).toBe('a"b');
  });

  it('a typed escape is told from a control: `x\\u001b` typed is not the ESC', () => {
    expect(quotedValue('x\u001b')).toBe('"x\\u001b"');
    expect(quotedValue('x\\u001b')).toBe('"x\\\\u001b"');
    expect(quotedValue('a\\nb')).not.toBe(quotedValue('a\nb'));
  });

  it('a backslash is doubled only where it would read as an escape', () => {
    expect(quotedValue('C:\\fakes\\my.txt')).toBe('"C:\\fakes\\my.txt"');
    expect(quotedValue('C:\\new')).toBe('"C:\\\\new"');
    expect(quotedValue('dir\\')).toBe('"dir\\\\"');
    expect(quotedValue('a\\"b')).toBe('"a\\\\\\"b"');
    expect(quotedValue('a\\\u001bb')).toBe('"a\\\\\\u001bb"');
  });

  it('every value of a hostile alphabet, up to 4 characters, reads back as itself', () => {
    const alphabet = ['a', 'n', 'u', '0', '"', '\\', '\u001b', '\n', '\u202e'];
    let values = [''];
    const wrong: string[] = [];
    for (let length = 0; length <= 4; length++) {
      for (const value of values) {
        const quoted = quotedValue(value);
        if (readBack(quoted) !== value) wrong.push(`${JSON.stringify(value)} -> ${quoted}`);
        // Nothing raw that moves the terminal.
        // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
        expect(quoted).not.toMatch(/[\u0000-\u001f\u202e]/);
      }
      values = values.flatMap((value) => alphabet.map((char) => value + char));
    }
    expect(wrong).toEqual([]);
  });

  it('a long value is cut at 100 characters, never inside an escape, and its quotes stay whole', () => {
    for (const unit of ['"', '\\n', '\u001b', 'a\\u']) {
      for (let lead = 0; lead < 6; lead++) {
        const quoted = quotedValue(`${'x'.repeat(lead)}${unit.repeat(200)}`);
        expect(quoted.endsWith('..."')).toBe(true);
        const read = readBack(quoted);
        expect(read, quoted).toBeDefined();
        // What is shown before the `...` is the start of the value.
        const shown = (read as string).slice(0, -3);
        expect(`${'x'.repeat(lead)}${unit.repeat(200)}`.startsWith(shown), quoted).toBe(true);
      }
    }
  });

  it("fake --fault 'a\"b': the value is shown whole, its quote escaped", () => {
    expect(() => parseFaultFlag('a"b')).toThrow('--fault "a\\"b": unknown fault type "a\\"b"');
  });
});
