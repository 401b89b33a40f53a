import { describe, expect, it } from 'vitest';
import { createBareJsonCollector } from './create-bare-json-collector.ts';

function collector() {
  const values: unknown[] = [];
  const malformed: string[] = [];
  const bare = createBareJsonCollector({
    onValue: (value) => values.push(value),
    onMalformed: (text) => malformed.push(text),
  });
  return { bare, values, malformed };
}

describe('createBareJsonCollector', () => {
  it('reassembles a pretty-printed object from its lines', () => {
    const { bare, values } = collector();
    for (const line of ['{', '  "error": {', '    "code": 500', '  }', '}']) bare.pushLine(line);
    expect(values).toEqual([{ error: { code: 500 } }]);
    expect(bare.pending()).toBeUndefined();
  });

  it('is not fooled by brackets and escaped quotes inside strings', () => {
    const { bare, values } = collector();
    bare.pushLine('{"message": "a } b ] \\" { [",');
    expect(values).toEqual([]);
    bare.pushLine('"n": [1, {"x": "}"}]}');
    expect(values).toEqual([{ message: 'a } b ] " { [', n: [1, { x: '}' }] }]);
  });

  it('reads several values in a row, arrays included', () => {
    const { bare, values } = collector();
    bare.pushLine('[{"a": 1}');
    bare.pushLine(',{"b": 2}]');
    bare.pushLine('{"c": 3}');
    expect(values).toEqual([[{ a: 1 }, { b: 2 }], { c: 3 }]);
  });

  it('ignores lines that cannot start JSON and remembers the first', () => {
    const { bare, values } = collector();
    bare.pushLine('<html>');
    bare.pushLine('   ');
    bare.pushLine('retry later');
    expect(values).toEqual([]);
    expect(bare.firstIgnoredLine()).toBe('<html>');
    expect(bare.pending()).toBeUndefined();
  });

  it('reports a balanced but invalid value as malformed', () => {
    const { bare, malformed } = collector();
    bare.pushLine('{"a": 1,}');
    expect(malformed).toEqual(['{"a": 1,}']);
  });

  it('keeps an unfinished value as pending', () => {
    const { bare } = collector();
    bare.pushLine('{');
    bare.pushLine('  "error": {');
    expect(bare.pending()).toBe('{\n  "error": {');
  });
});
