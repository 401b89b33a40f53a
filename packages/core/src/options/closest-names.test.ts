import { describe, expect, it } from 'vitest';
import { closestNames } from './define-options.ts';

describe('closestNames', () => {
  const names = ['sqrt', 'sin', 'sinh', 'factorial', 'floor', 'America/New_York', 'Europe/Paris'];

  it('ranks by edit distance, case-insensitively, shortest first on ties', () => {
    expect(closestNames({ input: 'SQR', candidates: names })).toEqual(['sqrt', 'sin']);
    expect(closestNames({ input: 'facorial', candidates: names })).toEqual(['factorial']);
  });

  it('finds a name that contains the input', () => {
    expect(closestNames({ input: 'new_york', candidates: names })).toEqual(['America/New_York']);
  });

  it('suggests nothing for unrelated or empty input', () => {
    expect(closestNames({ input: 'zzzzzz', candidates: names })).toEqual([]);
    expect(closestNames({ input: '', candidates: names })).toEqual([]);
  });

  it('bounds the work on a huge input', () => {
    expect(closestNames({ input: 'x'.repeat(1_000_000), candidates: names })).toEqual([]);
  });
});
