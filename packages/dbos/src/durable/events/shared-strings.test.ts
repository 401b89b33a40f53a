import { describe, expect, it } from 'vitest';
import { MIN_SHARED_LENGTH, restoreLongStrings, shareLongStrings } from './shared-strings.ts';

const long = (letter: string): string => letter.repeat(MIN_SHARED_LENGTH);

/** A step as a durable run stores it: the model's text in its content, response and text. */
function step(text: string) {
  const content = { role: 'model', parts: [{ text }] };
  return {
    content,
    response: { candidates: [{ content: structuredClone(content), index: 0 }] },
    text,
    short: 'ok',
  };
}

describe('shareLongStrings / restoreLongStrings', () => {
  it('keeps each repeated long string once, and puts every place back as it was', () => {
    const value = {
      steps: [step(long('a')), step(long('b'))],
      text: long('b'),
      parts: [{ text: long('b') }],
    };
    const original = structuredClone(value);
    const shared = shareLongStrings(value);
    expect(shared?.strings).toEqual([long('a'), long('b')]);
    expect(JSON.stringify({ value, shared }).length).toBeLessThan(3 * MIN_SHARED_LENGTH);
    expect(value.steps[0]?.text).toBeNull();
    expect(value.steps[1]?.response.candidates[0]?.content.parts[0]?.text).toBeNull();
    expect(value.steps[0]?.short).toBe('ok');
    const read = JSON.parse(JSON.stringify(value)) as unknown;
    expect(restoreLongStrings(read, JSON.parse(JSON.stringify(shared)))).toBeUndefined();
    expect(read).toEqual(original);
  });

  it('leaves a value whose long strings are all different, or short, untouched', () => {
    const value = {
      a: long('a'),
      b: long('b'),
      c: ['x', 'x'],
      d: 'y'.repeat(MIN_SHARED_LENGTH - 1),
    };
    const before = structuredClone(value);
    expect(shareLongStrings(value)).toBeUndefined();
    expect(value).toEqual(before);
  });

  it.each([
    ['strings that are not a list', { strings: 'x', at: [] }, 'not a list'],
    ['a shared string that is not text', { strings: [1], at: [] }, 'not text'],
    ['a place that is not a path', { strings: ['x'], at: [[0]] }, 'not a path'],
    ['a string it does not hold', { strings: ['x'], at: [['text', 1]] }, 'does not hold'],
    ['a place holding a value already', { strings: ['x'], at: [['kept', 0]] }, 'does not hold'],
    ['a place the value lacks', { strings: ['x'], at: [['missing', 'deep', 0]] }, 'does not hold'],
    ['a prototype', { strings: ['x'], at: [['__proto__', 'polluted', 0]] }, 'does not hold'],
    ['an array by a key', { strings: ['x'], at: [['list', 'length', 0]] }, 'does not hold'],
  ])('refuses shared strings naming %s, and reaches no prototype', (_name, shared, problem) => {
    const value = JSON.parse('{"text":null,"kept":"as stored","list":[null]}') as Record<
      string,
      unknown
    >;
    expect(restoreLongStrings(value, shared)).toContain(problem);
    expect(value['kept']).toBe('as stored');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
