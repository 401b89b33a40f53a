import { describe, expect, it } from 'vitest';
import { evaluateArithmetic } from './evaluate-arithmetic.ts';

// The demo model's calculator when no tool is declared: a parser, never eval, and undefined for
// anything that is not plain arithmetic.

describe('evaluateArithmetic', () => {
  it('keeps precedence: powers, then products, then sums', () => {
    expect(evaluateArithmetic('2 + 3 * 4')).toBe(14);
    expect(evaluateArithmetic('(2 + 3) * 4')).toBe(20);
    expect(evaluateArithmetic('2 * 3 ^ 2')).toBe(18);
    expect(evaluateArithmetic('10 - 4 - 3')).toBe(3);
    expect(evaluateArithmetic('17 % 5')).toBe(2);
    expect(evaluateArithmetic('100 / 8')).toBe(12.5);
  });

  it('reads powers right to left and ** as ^', () => {
    expect(evaluateArithmetic('2 ^ 3 ^ 2')).toBe(512);
    expect(evaluateArithmetic('2 ** 10')).toBe(1024);
  });

  it('takes unary signs and decimals', () => {
    expect(evaluateArithmetic('-3 + +5')).toBe(2);
    expect(evaluateArithmetic('-(2 + 3)')).toBe(-5);
    expect(evaluateArithmetic('1.5 * 2')).toBe(3);
  });

  it('rounds away binary noise to 12 significant digits', () => {
    expect(evaluateArithmetic('0.1 + 0.2')).toBe(0.3);
  });

  it('answers undefined for what is not finite arithmetic', () => {
    expect(evaluateArithmetic('1 / 0')).toBeUndefined();
    expect(evaluateArithmetic('0 / 0')).toBeUndefined();
    expect(evaluateArithmetic('10 ^ 400')).toBeUndefined();
  });

  it('answers undefined for malformed or non-arithmetic input, never throwing', () => {
    for (const input of [
      '',
      '   ',
      '(1 + 2',
      '1 + 2)',
      '1 +',
      '* 3',
      '2 3',
      'x + 1',
      'process.exit(1)',
      '1 + 2; 3',
      '()',
      '😀 + 1',
      '__proto__',
      '1e3',
    ]) {
      expect(evaluateArithmetic(input), input).toBeUndefined();
    }
  });

  it('answers a deep nesting without a stack overflow escaping', () => {
    const depth = 100_000;
    expect(() => evaluateArithmetic(`${'('.repeat(depth)}1${')'.repeat(depth)}`)).not.toThrow();
    expect(evaluateArithmetic(`${'('.repeat(50)}1${')'.repeat(50)}`)).toBe(1);
  });

  it('handles a long flat sum in linear time', () => {
    expect(evaluateArithmetic(Array.from({ length: 20_000 }, () => '1').join(' + '))).toBe(20_000);
  });
});
