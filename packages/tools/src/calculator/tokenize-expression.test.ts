import { describe, expect, it } from 'vitest';
import { CalculatorError } from './calculator-error.ts';
import type { Token } from './tokenize-expression.ts';
import { tokenizeExpression } from './tokenize-expression.ts';

const limits = { maxLength: 1000, maxTokens: 500 };
const tokenize = (expression: string): Token[] => tokenizeExpression(expression, limits);

function failure(expression: string, custom = limits): CalculatorError {
  try {
    tokenizeExpression(expression, custom);
  } catch (error) {
    if (CalculatorError.isInstance(error)) return error;
    throw new Error(
      `expected a CalculatorError for ${JSON.stringify(expression)}, got ${String(error)}`,
    );
  }
  throw new Error(`expected ${JSON.stringify(expression)} to fail`);
}

/** A compact view of the tokens: what the parser reads, without the positions. */
function kinds(expression: string): string[] {
  return tokenize(expression).map((token) => {
    if (token.kind === 'number') return `n:${token.value}`;
    if (token.kind === 'name') return `id:${token.name}`;
    if (token.kind === 'operator') return `op:${token.operator}`;
    return 'end';
  });
}

describe('tokenizeExpression', () => {
  it('splits numbers, names and operators, with 1-based positions and an end token', () => {
    expect(tokenize('12 + sqrt(x_1)')).toEqual([
      { kind: 'number', value: 12, text: '12', position: 1 },
      { kind: 'operator', operator: '+', text: '+', position: 4 },
      { kind: 'name', name: 'sqrt', position: 6 },
      { kind: 'operator', operator: '(', text: '(', position: 10 },
      { kind: 'name', name: 'x_1', position: 11 },
      { kind: 'operator', operator: ')', text: ')', position: 14 },
      { kind: 'end', position: 15 },
    ]);
  });

  it('reads every number form: integers, fractions, leading and trailing points, exponents', () => {
    expect(kinds('7 0.25 .5 3. 1e3 2E-2 4e+1 0007')).toEqual([
      'n:7',
      'n:0.25',
      'n:0.5',
      'n:3',
      'n:1000',
      'n:0.02',
      'n:40',
      'n:7',
      'end',
    ]);
  });

  it('keeps the text of a number as written, for messages', () => {
    const [token] = tokenize('1.50e2');
    expect(token).toEqual({ kind: 'number', value: 150, text: '1.50e2', position: 1 });
  });

  it('leaves a dangling exponent marker to the parser as a name instead of misreading it', () => {
    // "1e" is the number 1 followed by the name e; the parser then reports the missing operator.
    expect(kinds('1e')).toEqual(['n:1', 'id:e', 'end']);
    expect(kinds('1e+')).toEqual(['n:1', 'id:e', 'op:+', 'end']);
  });

  it('splits "1.2.3" into two numbers rather than guessing a version string', () => {
    expect(kinds('1.2.3')).toEqual(['n:1.2', 'n:0.3', 'end']);
  });

  it('refuses a literal too large for a 64-bit float, with its position', () => {
    const error = failure('1 + 1e309');
    expect(error.reason).toBe('not-finite');
    expect(error.position).toBe(5);
    expect(error.message).toContain('1e309');
    expect(failure('9'.repeat(400)).reason).toBe('not-finite');
  });

  it('reads a literal that underflows as 0 rather than failing', () => {
    expect(kinds('1e-400')).toEqual(['n:0', 'end']);
  });

  it('maps the Unicode operators models write to ASCII, keeping the original text', () => {
    const tokens = tokenize('1 \u2212 2 \u2013 3 \u00d7 4 \u22c5 5 \u00f7 6');
    const operators = tokens.filter((token) => token.kind === 'operator');
    expect(operators.map((token) => [token.operator, token.text])).toEqual([
      ['-', '\u2212'],
      ['-', '\u2013'],
      ['*', '\u00d7'],
      ['*', '\u22c5'],
      ['/', '\u00f7'],
    ]);
  });

  it('reads "**" as one power operator and π as the name pi', () => {
    expect(tokenize('2**3')).toEqual([
      { kind: 'number', value: 2, text: '2', position: 1 },
      { kind: 'operator', operator: '^', text: '**', position: 2 },
      { kind: 'number', value: 3, text: '3', position: 4 },
      { kind: 'end', position: 5 },
    ]);
    expect(kinds('2*\u03c0')).toEqual(['n:2', 'op:*', 'id:pi', 'end']);
    // Three stars are a power and a multiplication; the parser reports the stray one.
    expect(kinds('2***3')).toEqual(['n:2', 'op:^', 'op:*', 'n:3', 'end']);
  });

  it('skips spaces, tabs and line breaks but counts them in positions', () => {
    expect(tokenize('\t\r\n 1')).toEqual([
      { kind: 'number', value: 1, text: '1', position: 5 },
      { kind: 'end', position: 6 },
    ]);
    expect(tokenize('')).toEqual([{ kind: 'end', position: 1 }]);
    expect(tokenize('   ')).toEqual([{ kind: 'end', position: 4 }]);
  });

  it.each([
    ['1 = 1', '"="', 'without "="'],
    ['a[0]', '"["', 'round parentheses'],
    ['{1}', '"{"', 'round parentheses'],
    ['Math.PI', '"."', 'Property access is not supported'],
    ['"1"', '"\\""', 'Strings are not supported'],
    ["'1'", '"\'"', 'Strings are not supported'],
    ['`1`', '"`"', 'Strings are not supported'],
    ['1 & 2', '"&"', 'Use numbers, + - * / % ^ ! ( ) ,'],
    ['x$', '"$"', 'Use numbers'],
  ])(
    'refuses %j naming the character %s and how to write it instead',
    (expression, shown, hint) => {
      const error = failure(expression);
      expect(error.reason).toBe('syntax');
      expect(error.message).toContain(`Unexpected character ${shown}`);
      expect(error.message).toContain(hint);
    },
  );

  it('names names that are not ASCII, instead of reading them as identifiers', () => {
    // Only ASCII letters start a name: "é" or "Ω" could otherwise smuggle look-alike names.
    expect(failure('caf\u00e9').message).toBe(
      'Unexpected character "\u00e9" at position 4. Use numbers, + - * / % ^ ! ( ) , and the listed constants and functions.',
    );
    expect(failure('\u0394x').position).toBe(1);
  });

  it('shows an emoji whole in the message, not as a broken surrogate half', () => {
    const error = failure('2 + \u{1f600}');
    expect(error.position).toBe(5);
    expect(error.message).toContain('Unexpected character "\u{1f600}" at position 5.');
    expect(error.message).not.toContain('\\ud83d');
  });

  it('names invisible and look-alike characters by code point', () => {
    expect(failure('1\u00a0+ 2').message).toContain('Unexpected character U+00A0 at position 2.');
    expect(failure('1\u200b+2').message).toContain('U+200B');
    expect(failure('1\u202e+2').message).toContain('U+202E');
    expect(failure('1\u0000').message).toContain('U+0000');
    expect(failure('1\u007f').message).toContain('U+007F');
    expect(failure('\ufeff1').message).toContain('U+FEFF at position 1');
  });

  it('refuses full-width and other non-ASCII digits rather than misreading them', () => {
    expect(failure('\uff11 + 1').position).toBe(1);
    expect(failure('\u0661').reason).toBe('syntax');
  });

  it('refuses an input over maxLength before scanning it', () => {
    const error = failure('\u{1f600}'.repeat(600));
    expect(error.reason).toBe('too-complex');
    expect(error.position).toBeUndefined();
    expect(error.message).toBe(
      'The expression is 1200 characters long; the limit is 1000. Split the calculation into smaller steps.',
    );
    // Exactly at the limit is fine.
    expect(tokenize(`1${'+1'.repeat(249)}${' '.repeat(501)}`)).toHaveLength(500);
  });

  it('counts tokens but not whitespace toward maxTokens, and points at the first token over', () => {
    const small = { maxLength: 1000, maxTokens: 3 };
    expect(tokenizeExpression('1   +   2', small)).toHaveLength(4);
    const error = failure('1 + 2 + 3', small);
    expect(error.reason).toBe('too-complex');
    expect(error.position).toBe(7);
    expect(error.message).toContain('more than 3 tokens');
  });

  it('treats names like __proto__ and constructor as plain names, left to the evaluator to refuse', () => {
    expect(kinds('__proto__ + constructor')).toEqual([
      'id:__proto__',
      'op:+',
      'id:constructor',
      'end',
    ]);
  });

  it('gives the same tokens on repeated and interleaved calls (the sticky patterns hold no state)', () => {
    const first = kinds('12.5e1 + abc');
    expect(kinds('x')).toEqual(['id:x', 'end']);
    expect(kinds('12.5e1 + abc')).toEqual(first);
    expect(first).toEqual(['n:125', 'op:+', 'id:abc', 'end']);
  });
});
