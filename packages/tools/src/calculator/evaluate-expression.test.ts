import { describe, expect, it } from 'vitest';
import { CalculatorError } from './calculator-error.ts';
import type { ExpressionLimits } from './evaluate-expression.ts';
import { evaluateExpression } from './evaluate-expression.ts';

const limits: ExpressionLimits = { maxLength: 1000, maxTokens: 500, maxDepth: 100 };
const evaluate = (expression: string): number => evaluateExpression(expression, limits);

function failure(expression: string, custom: ExpressionLimits = limits): CalculatorError {
  try {
    evaluateExpression(expression, custom);
  } catch (error) {
    if (CalculatorError.isInstance(error)) return error;
    throw new Error(`expected a CalculatorError for ${expression}, got ${String(error)}`);
  }
  throw new Error(`expected ${expression} to fail`);
}

describe('evaluateExpression', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['100 / 10 / 5', 2],
    ['2 ^ 3 ^ 2', 512],
    ['2 ** 3 ** 2', 512],
    ['(2 ^ 3) ^ 2', 64],
    ['-2 ^ 2', -4],
    ['(-2) ^ 2', 4],
    ['2 ^ -1', 0.5],
    ['2 ^ -2 ^ 2', 2 ** -4],
    ['--3', 3],
    ['-+-3', 3],
    ['3 - -3', 6],
    ['10 % 4', 2],
    ['-7 % 3', -1],
    ['2 * 3 % 4', 2],
    ['5!', 120],
    ['0!', 1],
    ['3!!', 720],
    ['-3!', -6],
    ['2 ^ 3!', 64],
    ['factorial(10)', 3628800],
    ['.5 + 1.', 1.5],
    ['1.5e3 + 2E-1', 1500.2],
    ['sqrt(16) + cbrt(27)', 7],
    ['abs(-3.5)', 3.5],
    ['round(2.5)', 3],
    ['round(-2.5)', -3],
    ['round(1.005, 2)', 1.01],
    ['round(1234.5, -2)', 1200],
    ['round(1e300, 15)', 1e300],
    ['round(-1e300, 2)', -1e300],
    ['round(1.7976931348623157e308, 15)', 1.7976931348623157e308],
    ['round(123456789012345680000, 3)', 123456789012345680000],
    ['round(1e300 + 0.5, -2)', 1e300],
    ['floor(-1.5) + ceil(-1.5) + trunc(-1.5)', -4],
    ['min(3, 1, 2) + max(3, 1, 2)', 4],
    ['hypot(3, 4)', 5],
    ['log(1000)', 3],
    ['log(8, 2)', 3],
    ['ln(e ^ 2)', 2],
    ['log2(1024) + log10(0.01)', 8],
    ['exp(0)', 1],
    ['atan2(1, 1) * 4', Math.PI],
    ['deg(pi)', 180],
    ['tau / pi', 2],
    ['PI * 2 - TAU', 0],
    ['Sqrt(4)', 2],
    ['pow(2, 10)', 1024],
    ['2 \u00d7 3 \u2212 1 \u00f7 2', 5.5],
    ['\u03c0', Math.PI],
    ['  1\n+\t2  ', 3],
  ])('computes %s', (expression, expected) => {
    expect(evaluate(expression)).toBeCloseTo(expected, 12);
  });

  it('computes trigonometry in radians', () => {
    expect(evaluate('sin(pi / 6)')).toBeCloseTo(0.5, 15);
    expect(evaluate('cos(rad(60))')).toBeCloseTo(0.5, 15);
    expect(evaluate('tan(pi / 4)')).toBeCloseTo(1, 15);
    expect(evaluate('asin(1)')).toBeCloseTo(Math.PI / 2, 15);
  });

  describe('on hostile input', () => {
    it('refuses names that would reach JavaScript objects', () => {
      for (const name of [
        'constructor',
        '__proto__',
        'toString',
        'valueOf',
        'hasOwnProperty',
        'this',
        'process',
        'globalThis',
        'window',
        'require',
        'Function',
        'eval',
        'Math',
      ]) {
        const asName = failure(name);
        expect(asName.reason).toBe('unknown-name');
        expect(asName.message).toContain(`Unknown name "${name}" at position 1.`);
        const asCall = failure(`${name}(1)`);
        expect(asCall.reason).toBe('unknown-name');
        expect(asCall.position).toBe(1);
      }
    });

    it('has no syntax for property access, strings, arrays, objects or assignment', () => {
      expect(failure('[].constructor')).toMatchObject({ reason: 'syntax', position: 1 });
      expect(failure('pi.constructor')).toMatchObject({ reason: 'syntax', position: 3 });
      expect(failure('(1).constructor.constructor("return process")()')).toMatchObject({
        reason: 'syntax',
        position: 4,
      });
      expect(failure("Function('return this')()")).toMatchObject({
        reason: 'syntax',
        position: 10,
      });
      expect(failure('{}')).toMatchObject({ reason: 'syntax', position: 1 });
      expect(failure('x = 1').message).toMatch(/^Unexpected character "=" at position 3\./);
      expect(failure('`1`')).toMatchObject({ reason: 'syntax', position: 1 });
      expect(failure('process.mainModule')).toMatchObject({ reason: 'syntax', position: 8 });
    });

    it('stops a power tower at the overflow instead of computing it', () => {
      const error = failure('9^9^9^9');
      expect(error.reason).toBe('not-finite');
      expect(error.message).toContain('overflows');
      expect(failure('10^309').reason).toBe('not-finite');
      expect(failure('2^2^2^2^2^2^2^2^2^2').reason).toBe('not-finite');
    });

    it('bounds factorial to what a 64-bit float can hold', () => {
      expect(evaluate('170!')).toBeCloseTo(7.257415615307994e306, -290);
      for (const expression of ['factorial(1e9)', '171!', '1e9!', 'factorial(-1)', '2.5!']) {
        const error = failure(expression);
        expect(error.reason).toBe('invalid-argument');
        expect(error.message).toContain('n must be a whole number from 0 to 170');
      }
    });

    it('refuses 10 000 nested parentheses with a depth error, not a stack overflow', () => {
      const deep = `${'('.repeat(10_000)}1${')'.repeat(10_000)}`;
      const error = failure(deep, { maxLength: 100_000, maxTokens: 100_000, maxDepth: 100 });
      expect(error.reason).toBe('too-complex');
      expect(error.message).toContain('nests more than 100 levels');
      expect(error.position).toBe(101);
    });

    it('refuses deep chains of signs, powers and function calls', () => {
      const wide = { maxLength: 100_000, maxTokens: 100_000, maxDepth: 100 };
      expect(failure(`${'-'.repeat(5000)}1`, wide).reason).toBe('too-complex');
      expect(failure(`${'2^'.repeat(5000)}2`, wide).reason).toBe('too-complex');
      expect(failure(`${'abs('.repeat(5000)}1${')'.repeat(5000)}`, wide).reason).toBe(
        'too-complex',
      );
    });

    it('counts chained postfix "!" toward the depth, at the documented maxima', () => {
      const maxima = { maxLength: 10_000, maxTokens: 10_000, maxDepth: 200 };
      const error = failure(`0${'!'.repeat(9_998)}`, maxima);
      expect(error.reason).toBe('too-complex');
      expect(error.message).toContain('nests more than 200 levels');
      expect(evaluateExpression(`0${'!'.repeat(150)}`, maxima)).toBe(1);
    });

    it('evaluates the longest flat chains the documented maxima allow', () => {
      const maxima = { maxLength: 10_000, maxTokens: 10_000, maxDepth: 200 };
      expect(evaluateExpression(`${'1+'.repeat(4_999)}1`, maxima)).toBe(5000);
      expect(evaluateExpression(`${'1*'.repeat(4_999)}1`, maxima)).toBe(1);
    });

    it('accepts nesting up to the depth limit', () => {
      expect(evaluate(`${'('.repeat(99)}1${')'.repeat(99)}`)).toBe(1);
    });

    it('refuses a 100 000-character input before reading it', () => {
      const error = failure('1+'.repeat(50_000));
      expect(error.reason).toBe('too-complex');
      expect(error.message).toBe(
        'The expression is 100000 characters long; the limit is 1000. Split the calculation into smaller steps.',
      );
    });

    it('refuses more tokens than the limit', () => {
      const error = failure(`${'1+'.repeat(300)}1`);
      expect(error.reason).toBe('too-complex');
      expect(error.message).toContain('more than 500 tokens');
    });

    it('names control characters by code point', () => {
      expect(failure('1 +\u0000 2').message).toMatch(
        /^Unexpected character U\+0000 at position 4\./,
      );
      expect(failure('1\u200b+ 2').message).toMatch(
        /^Unexpected character U\+200B at position 2\./,
      );
    });
  });

  describe('errors', () => {
    it.each([
      ['(1 + 2', 'The "(" at position 1 is never closed. Add a ")".', 1],
      ['1 + 2)', 'Unmatched ")" at position 6. Remove it or add the "(" it closes.', 6],
      ['1 +', 'The expression ends too early: expected a number, a name or "(" at position 4.', 4],
      ['1 * * 2', 'Unexpected "*" at position 5: expected a number, a name or "(".', 5],
      ['2pi', 'Missing operator before name "pi" at position 2.', 2],
      ['2(3)', 'Missing operator before "(" at position 2.', 2],
      ['(1)(2)', 'Missing operator before "(" at position 4.', 4],
      ['1 2', 'Missing operator before number 2 at position 3.', 3],
      [
        '1,000',
        'Unexpected "," at position 2: expected an operator or the end of the expression.',
        2,
      ],
      ['max(1 2)', 'Missing operator before number 2 at position 7.', 7],
      ['max(1;2)', 'Unexpected character ";" at position 6.', 6],
      ['sqrt(4', 'The "(" at position 5 is never closed. Add a ")".', 5],
      ['1 / 0', 'Division by zero at position 3 (1 / 0) has no value.', 3],
      ['5 % (2 - 2)', 'Remainder by zero at position 3 (5 % 0) has no value.', 3],
      ['0 ^ -1', '0 ^ -1 at position 3 divides by zero and has no value.', 3],
      [
        'sqrt(-4)',
        'At position 1: sqrt(-4) has no real result: the argument must be 0 or more.',
        1,
      ],
      ['1 + ln(0)', 'At position 5: ln(0) is undefined: ln needs an argument greater than 0.', 5],
      [
        'log(10, 1)',
        'At position 1: log(x, 1) is undefined: the base must be greater than 0 and not 1.',
        1,
      ],
      [
        'acos(1.5)',
        'At position 1: acos(1.5) has no real result: the argument must be between -1 and 1.',
        1,
      ],
      ['sqrt(1, 2)', 'sqrt at position 1 takes 1 argument, got 2. Usage: sqrt(x).', 1],
      ['atan2(1)', 'atan2 at position 1 takes 2 arguments, got 1. Usage: atan2(y, x).', 1],
      [
        'round(1.5, 0.5)',
        'At position 1: round(x, digits) needs digits to be a whole number from -15 to 15, got 0.5.',
        1,
      ],
      [
        'sqrt + 1',
        '"sqrt" at position 1 is a function; call it with parentheses, e.g. sqrt(2).',
        1,
      ],
      [
        'e(2)',
        '"e" at position 1 is a constant, not a function; use it without parentheses (write 2*e, not e(2)).',
        1,
      ],
      [
        '1e400',
        'The number 1e400 at position 1 is too large for a 64-bit float (max about 1.8e308).',
        1,
      ],
      [
        '(-8) ^ (1/3)',
        '-8 ^ 0.333333 at position 6 has no real result: a negative base needs a whole-number exponent (use cbrt(x) for a cube root).',
        6,
      ],
      ['exp(1000)', 'exp(1000) at position 1 overflows', 1],
      ['1e308 * 10', '1e+308 * 10 at position 7 overflows', 7],
    ])('reports %s', (expression, message, position) => {
      const error = failure(expression);
      expect(error.message.startsWith(message)).toBe(true);
      expect(error.position).toBe(position);
    });

    it('suggests the closest known names', () => {
      expect(failure('sqr(4)').message).toContain('Did you mean sqrt');
      expect(failure('facorial(3)').message).toContain('Did you mean factorial?');
      expect(failure('PIE').message).toContain('Did you mean pi');
    });

    it('explains an empty expression', () => {
      expect(failure('   ').message).toBe(
        'The expression is empty. Give an arithmetic expression such as "2 * (3 + 4)".',
      );
    });

    it('is a GemloopError with a stable code', () => {
      const error = failure('1/0');
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe('calculator');
      expect(error.reason).toBe('division-by-zero');
      expect(JSON.parse(JSON.stringify(error))).toMatchObject({
        name: 'CalculatorError',
        code: 'calculator',
        reason: 'division-by-zero',
        position: 2,
      });
    });
  });
});
