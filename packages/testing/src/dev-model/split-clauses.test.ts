import { describe, expect, it } from 'vitest';
import { splitClauses } from './split-clauses.ts';

// How the demo model cuts a question into requests, one per tool call.

const texts = (text: string) => splitClauses(text).map((clause) => clause.text);

describe('splitClauses', () => {
  it('splits on punctuation and conjunctions, dropping them', () => {
    expect(texts('weather in Paris and time in Tokyo')).toEqual([
      'weather in Paris',
      'time in Tokyo',
    ]);
    expect(texts('A; B? C! D')).toEqual(['A', 'B', 'C', 'D']);
    expect(texts('first. then second')).toEqual(['first', 'second']);
    expect(texts('Paris, Tokyo and New York weather')).toEqual([
      'Paris',
      'Tokyo',
      'New York weather',
    ]);
    expect(texts('Paris vs. London')).toEqual(['Paris', 'London']);
    expect(texts('cats compared to dogs')).toEqual(['cats', 'dogs']);
  });

  it('gives offsets that slice back to each clause', () => {
    const text = '  and also  weather in Paris ,  and time in Tokyo  ';
    const clauses = splitClauses(text);
    expect(clauses.map((clause) => clause.text)).toEqual(['weather in Paris', 'time in Tokyo']);
    for (const clause of clauses) expect(text.slice(clause.start, clause.end)).toBe(clause.text);
  });

  it('does not split inside parentheses, brackets or quotes', () => {
    expect(texts('max(3, 7) and min(1, 2)')).toEqual(['max(3, 7)', 'min(1, 2)']);
    expect(texts('sum [1, 2, 3]')).toEqual(['sum [1, 2, 3]']);
    expect(texts('say "hello, world and bye" now')).toEqual(['say "hello, world and bye" now']);
    expect(texts('say “a, b” and c')).toEqual(['say “a, b”', 'c']);
    expect(texts('run `a; b`')).toEqual(['run `a; b`']);
  });

  it('keeps the "and" of "between X and Y"', () => {
    expect(texts('distance between Paris and Rome')).toEqual(['distance between Paris and Rome']);
  });

  it('does not split on a decimal point', () => {
    expect(texts('what is 1.5 times 2')).toEqual(['what is 1.5 times 2']);
  });

  it('answers nothing for empty or separator-only text', () => {
    expect(splitClauses('')).toEqual([]);
    expect(splitClauses(' ;;; ?! \n , ')).toEqual([]);
    expect(splitClauses('and')).toEqual([{ text: 'and', start: 0, end: 3 }]);
  });

  it('survives an unclosed parenthesis or quote by keeping the rest whole', () => {
    expect(texts('a; (b, c; d')).toEqual(['a', '(b, c; d']);
    expect(texts('a; "b, c; d')).toEqual(['a', '"b, c; d']);
    expect(texts('a) , b')).toEqual(['a)', 'b']);
  });

  it('keeps emoji and other scripts intact', () => {
    expect(texts('météo à Zürich 🌧️ and 東京の天気')).toEqual(['météo à Zürich 🌧️', '東京の天気']);
  });

  it('stays linear on a long question with many commas', () => {
    const text = Array.from({ length: 50_000 }, (_, index) => `item${index}`).join(', ');
    const clauses = splitClauses(text);
    expect(clauses).toHaveLength(50_000);
    expect(clauses[49_999]?.text).toBe('item49999');
  });
});
