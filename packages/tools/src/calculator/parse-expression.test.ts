import { describe, expect, it } from 'vitest';
import { CalculatorError } from './calculator-error.ts';
import type { ExpressionNode } from './parse-expression.ts';
import { parseExpression } from './parse-expression.ts';
import { tokenizeExpression } from './tokenize-expression.ts';

const tokenLimits = { maxLength: 100_000, maxTokens: 100_000 };
const parse = (expression: string, maxDepth = 100): ExpressionNode =>
  parseExpression(tokenizeExpression(expression, tokenLimits), maxDepth);

function failure(expression: string, maxDepth = 100): CalculatorError {
  try {
    parse(expression, maxDepth);
  } catch (error) {
    if (CalculatorError.isInstance(error)) return error;
    throw new Error(`expected a CalculatorError for ${expression}, got ${String(error)}`);
  }
  throw new Error(`expected ${expression} to fail`);
}

/** The tree as fully parenthesised text, to compare shapes at a glance. */
function show(node: ExpressionNode): string {
  if (node.type === 'number') return String(node.value);
  if (node.type === 'name') return node.name;
  if (node.type === 'negate') return `(-${show(node.operand)})`;
  if (node.type === 'factorial') return `(${show(node.operand)}!)`;
  if (node.type === 'call') return `${node.name}[${node.args.map(show).join('; ')}]`;
  return `(${show(node.left)} ${node.operator} ${show(node.right)})`;
}

describe('parseExpression', () => {
  it.each([
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['8 / 4 / 2', '((8 / 4) / 2)'],
    ['7 % 4 * 2', '((7 % 4) * 2)'],
    ['2 ^ 3 ^ 2', '(2 ^ (3 ^ 2))'],
    ['-2 ^ 2', '(-(2 ^ 2))'],
    ['2 ^ -1', '(2 ^ (-1))'],
    ['-3!', '(-(3!))'],
    ['2 ^ 3!', '(2 ^ (3!))'],
    ['3!!', '((3!)!)'],
    ['+5', '5'],
    ['-+-x', '(-(-x))'],
    ['(1 + 2) * 3', '((1 + 2) * 3)'],
    ['((((1))))', '1'],
    ['max(1, 2 + 3, -x)', 'max[1; (2 + 3); (-x)]'],
    ['f()', 'f[]'],
    ['f(g(1), h())', 'f[g[1]; h[]]'],
    ['a - b * c ^ d ^ e!', '(a - (b * (c ^ (d ^ (e!)))))'],
  ])('parses %s as %s', (expression, shape) => {
    expect(show(parse(expression))).toBe(shape);
  });

  it('records the 1-based position of each operator, call and operand', () => {
    expect(parse('1 + sqrt(4)')).toEqual({
      type: 'binary',
      operator: '+',
      position: 3,
      left: { type: 'number', value: 1, position: 1 },
      right: {
        type: 'call',
        name: 'sqrt',
        position: 5,
        args: [{ type: 'number', value: 4, position: 10 }],
      },
    });
    expect(parse('-x!')).toEqual({
      type: 'negate',
      position: 1,
      operand: {
        type: 'factorial',
        position: 3,
        operand: { type: 'name', name: 'x', position: 2 },
      },
    });
  });

  it('leaves unknown names and __proto__ as plain name nodes, for the evaluator to refuse', () => {
    expect(parse('__proto__(constructor)')).toEqual({
      type: 'call',
      name: '__proto__',
      position: 1,
      args: [{ type: 'name', name: 'constructor', position: 11 }],
    });
  });

  it.each([
    ['', 'The expression ends too early: expected a number, a name or "(" at position 1.', 1],
    ['(', 'The expression ends too early: expected a number, a name or "(" at position 2.', 2],
    ['()', 'Unexpected ")" at position 2: expected a number, a name or "(".', 2],
    ['f(1,)', 'Unexpected ")" at position 5: expected a number, a name or "(".', 5],
    ['f(,1)', 'Unexpected "," at position 3: expected a number, a name or "(".', 3],
    ['f(1', 'The "(" at position 2 is never closed. Add a ")".', 2],
    [
      '(1, 2)',
      'Unexpected "," at position 3: expected "," or ")" to close the "(" at position 1.',
      3,
    ],
    [
      '1,000',
      'Unexpected "," at position 2: expected an operator or the end of the expression. Commas only separate function arguments; write 1000, not 1,000.',
      2,
    ],
    ['1 + 2)', 'Unmatched ")" at position 6. Remove it or add the "(" it closes.', 6],
    ['!', 'Unexpected "!" at position 1: expected a number, a name or "(".', 1],
    ['2 ^', 'The expression ends too early: expected a number, a name or "(" at position 4.', 4],
    ['x y', 'Missing operator before name "y" at position 3.', 3],
    ['pi(2)(3)', 'Missing operator before "(" at position 6.', 6],
    [
      '3 \u00d7 \u00d7 2',
      'Unexpected "\u00d7" at position 5: expected a number, a name or "(".',
      5,
    ],
  ])('refuses %j: %s', (expression, message, position) => {
    const error = failure(expression);
    expect(error.reason).toBe('syntax');
    expect(error.message).toContain(message);
    expect(error.position).toBe(position);
  });

  it('names the operator as the model wrote it, so "**" is reported as "**"', () => {
    expect(failure('2 ** ** 3').message).toContain('Unexpected "**" at position 6');
  });

  it('allows exactly maxDepth levels and refuses one more, pointing at the level that overflowed', () => {
    const nested = (levels: number): string => `${'('.repeat(levels)}1${')'.repeat(levels)}`;
    // The outermost unary counts as one level; each parenthesis adds another.
    expect(show(parse(nested(9), 10))).toBe('1');
    const error = failure(nested(10), 10);
    expect(error.reason).toBe('too-complex');
    expect(error.position).toBe(11);
    expect(error.message).toContain('more than 10 levels deep');
  });

  it('refuses 50 000 signs, factorials, powers or calls with a depth error, not a stack overflow', () => {
    for (const expression of [
      `${'-'.repeat(50_000)}1`,
      `1${'!'.repeat(50_000)}`,
      `${'2^'.repeat(25_000)}2`,
      `${'f('.repeat(25_000)}1${')'.repeat(25_000)}`,
    ]) {
      expect(failure(expression, 200).reason).toBe('too-complex');
    }
  });

  it('gives depth back after each sibling, so long flat sums and argument lists parse', () => {
    const sum = Array.from({ length: 5000 }, (_, index) => `(${index})`).join(' + ');
    expect(parse(sum, 3).type).toBe('binary');
    const args = Array.from({ length: 1000 }, () => '-(1)').join(', ');
    const call = parse(`max(${args})`, 4);
    expect(call.type === 'call' && call.args.length).toBe(1000);
    expect(parse(`${'1! + '.repeat(1000)}1`, 2).type).toBe('binary');
  });
});
