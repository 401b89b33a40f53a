import { describe, expect, it } from 'vitest';
import { createJsonArraySplitter } from './create-json-array-splitter.ts';

// The splitter reads the JSON array a gateway that ignored `alt=sse` sends, element by element,
// however the text is cut into pieces. Each test feeds real array text, cut at hostile places.

function split(pieces: readonly string[]) {
  const values: unknown[] = [];
  const texts: string[] = [];
  const malformed: { text: string; cause: unknown }[] = [];
  const splitter = createJsonArraySplitter({
    onValue: (value, text) => {
      values.push(value);
      texts.push(text);
    },
    onMalformed: (text, cause) => malformed.push({ text, cause }),
  });
  for (const piece of pieces) splitter.push(piece);
  return { values, texts, malformed, splitter };
}

/** Every way of cutting `text` in two. */
function everyCut(text: string): string[][] {
  return Array.from({ length: text.length + 1 }, (_, index) => [
    text.slice(0, index),
    text.slice(index),
  ]);
}

const chunk = (text: string) => ({ candidates: [{ content: { parts: [{ text }] } }] });

describe('createJsonArraySplitter', () => {
  it('reports each element of a gateway array with its parsed value and source text', () => {
    const body = `[${JSON.stringify(chunk('a'))}\n,\r\n${JSON.stringify(chunk('b'))}]`;
    const { values, texts, malformed, splitter } = split([body]);
    expect(values).toEqual([chunk('a'), chunk('b')]);
    expect(texts).toEqual([JSON.stringify(chunk('a')), JSON.stringify(chunk('b'))]);
    expect(malformed).toEqual([]);
    expect(splitter.pending()).toBeUndefined();
  });

  it('gives the same elements wherever the text is cut in two', () => {
    const body = JSON.stringify([chunk('x}"{\\'), { a: [1, { b: '[' }] }]);
    for (const pieces of everyCut(body)) {
      const { values, malformed } = split(pieces);
      expect(malformed, JSON.stringify(pieces)).toEqual([]);
      expect(values, JSON.stringify(pieces)).toEqual(JSON.parse(body));
    }
  });

  it('gives the same elements fed one character at a time', () => {
    const elements = [chunk('héllo 😀'), { usageMetadata: { totalTokenCount: 3 } }];
    const { values, splitter } = split([...JSON.stringify(elements, null, 2)]);
    expect(values).toEqual(elements);
    expect(splitter.pending()).toBeUndefined();
  });

  it('reports an element as soon as its closing brace arrives, before the array ends', () => {
    const { values, splitter } = split(['[{"a":1}', ',{"b":']);
    expect(values).toEqual([{ a: 1 }]);
    expect(splitter.pending()).toBe('{"b":');
    expect(splitter.pendingLength()).toBe(5);
  });

  it('never ends an element at a brace or bracket inside a string, escaped quotes included', () => {
    const tricky = { text: 'a "quoted" } ] { [ \\ back\\slash \\"', more: '\\' };
    const { values, malformed } = split([`[${JSON.stringify(tricky)}]`]);
    expect(malformed).toEqual([]);
    expect(values).toEqual([tricky]);
  });

  it('keeps an escape that ends one piece for the first character of the next', () => {
    // The piece ends on the backslash: the quote that starts the next piece is escaped.
    const { values, malformed } = split(['[{"t":"a\\', '"}"}]']);
    expect(malformed).toEqual([]);
    expect(values).toEqual([{ t: 'a"}' }]);
  });

  it('takes an empty array and whitespace around it', () => {
    const { values, malformed, splitter } = split([' \n\t[ \r\n ] \n']);
    expect(values).toEqual([]);
    expect(malformed).toEqual([]);
    expect(splitter.pending()).toBeUndefined();
  });

  it('says the array never closed: "[" before any element, the element text inside one', () => {
    expect(split(['[']).splitter.pending()).toBe('[');
    expect(split(['[{"a":1},']).splitter.pending()).toBe('[');
    expect(split(['[{"a":', '"x']).splitter.pending()).toBe('{"a":"x');
    expect(split(['']).splitter.pending()).toBeUndefined();
  });

  it('counts the held characters of an element that spans pieces, and none between elements', () => {
    const { splitter } = split(['[{"a":"', 'x'.repeat(1000)]);
    expect(splitter.pendingLength()).toBe(1006);
    splitter.push('"}');
    expect(splitter.pendingLength()).toBe(0);
  });

  it('refuses a body that is no array, and reads nothing after', () => {
    const { values, malformed, splitter } = split(['{"a":1}', '[{"b":2}]']);
    expect(values).toEqual([]);
    expect(malformed).toHaveLength(1);
    expect(malformed[0]?.text).toBe('{"a":1}');
    expect(malformed[0]?.cause).toBeInstanceOf(SyntaxError);
    expect(String((malformed[0]?.cause as Error | undefined)?.message)).toMatch(/not a JSON array/);
    expect(splitter.pending()).toBeUndefined();
  });

  it('refuses an element that is no object (a string, a number, a nested array)', () => {
    for (const body of ['["x"]', '[1]', '[[{"a":1}]]', '[null]']) {
      const { values, malformed } = split([body]);
      expect(values, body).toEqual([]);
      expect(malformed, body).toHaveLength(1);
      expect(String((malformed[0]?.cause as Error | undefined)?.message), body).toMatch(
        /Expected an object/,
      );
    }
  });

  it('reports an element that looks complete but is not JSON, with its text, then stops', () => {
    const { values, malformed } = split(['[{"a":1},{a:2},{"b":3}]']);
    expect(values).toEqual([{ a: 1 }]);
    expect(malformed).toHaveLength(1);
    expect(malformed[0]?.text).toBe('{a:2}');
    expect(malformed[0]?.cause).toBeInstanceOf(SyntaxError);
  });

  it('reports a mismatched closer inside an element as malformed, not as a value', () => {
    const { values, malformed } = split(['[{"a":[1}]']);
    expect(values).toEqual([]);
    expect(malformed.map((each) => each.text)).toEqual(['{"a":[1}]']);
  });

  it('refuses text after the closing bracket, once', () => {
    const { values, malformed } = split(['[{"a":1}]', ' x', '{"b":2}']);
    expect(values).toEqual([{ a: 1 }]);
    expect(malformed).toHaveLength(1);
    expect(malformed[0]?.text).toBe('x');
    expect(String((malformed[0]?.cause as Error | undefined)?.message)).toMatch(/after the end/);
  });

  it('keeps __proto__ keys as plain data and does not pollute Object.prototype', () => {
    const { values } = split(['[{"__proto__":{"polluted":true},"a":1}]']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(values[0] as object)).toEqual(['__proto__', 'a']);
  });

  it('splits a deep element and a long one without trouble', () => {
    const deep = `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`;
    const long = JSON.stringify({ text: '😀'.repeat(50_000) });
    const { values, malformed } = split([
      `[${deep},`,
      long.slice(0, 33_333),
      long.slice(33_333),
      ']',
    ]);
    expect(malformed).toEqual([]);
    expect(values).toHaveLength(2);
    expect((values[1] as { text: string }).text).toBe('😀'.repeat(50_000));
  });
});
