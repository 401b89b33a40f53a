import { CalculatorError } from './calculator-error.ts';
import type { Operator, Token } from './tokenize-expression.ts';

/** A node of the parsed expression. Positions are 1-based. @internal */
export type ExpressionNode =
  | { type: 'number'; value: number; position: number }
  | { type: 'name'; name: string; position: number }
  | { type: 'negate'; operand: ExpressionNode; position: number }
  | { type: 'factorial'; operand: ExpressionNode; position: number }
  | {
      type: 'binary';
      operator: '+' | '-' | '*' | '/' | '%' | '^';
      left: ExpressionNode;
      right: ExpressionNode;
      position: number;
    }
  | { type: 'call'; name: string; args: ExpressionNode[]; position: number };

/**
 * Parses tokens into a tree by recursive descent. Grammar, loosest first:
 *
 * ```
 * sum     = product (("+" | "-") product)*
 * product = unary (("*" | "/" | "%") unary)*
 * unary   = ("-" | "+") unary | power
 * power   = postfix ("^" unary)?          right-associative: 2^3^2 = 2^9
 * postfix = primary "!"*
 * primary = number | name | name "(" sum ("," sum)* ")" | "(" sum ")"
 * ```
 *
 * so `-2^2` is -4 and `2^-1` is 0.5, as in mathematics. Every level of `unary` (a sign, a
 * parenthesis, a function argument, a power's exponent) and every postfix `!` counts toward
 * `maxDepth`, which keeps `((((...))))`, `----x`, `2^2^2^...` and `0!!!...` from overflowing the
 * stack (each `!` wraps the tree one level deeper, which the evaluator walks recursively).
 *
 * @throws {@link CalculatorError} `syntax` with the position, or `too-complex` past `maxDepth`.
 * @internal
 */
export function parseExpression(tokens: readonly Token[], maxDepth: number): ExpressionNode {
  let index = 0;
  let depth = 0;

  const peek = (): Token => tokens[index] as Token;
  const isOperator = (token: Token, operator: Operator): boolean =>
    token.kind === 'operator' && token.operator === operator;

  const enter = (token: Token): void => {
    depth++;
    if (depth > maxDepth) {
      throw new CalculatorError({
        reason: 'too-complex',
        position: token.position,
        message: `The expression nests more than ${maxDepth} levels deep (parentheses, signs, powers, factorials or function calls) at position ${token.position}. Simplify it or split it into steps.`,
      });
    }
  };

  const parseSum = (): ExpressionNode => {
    let left = parseProduct();
    for (;;) {
      const token = peek();
      if (token.kind !== 'operator' || (token.operator !== '+' && token.operator !== '-')) {
        return left;
      }
      index++;
      left = {
        type: 'binary',
        operator: token.operator,
        left,
        right: parseProduct(),
        position: token.position,
      };
    }
  };

  const parseProduct = (): ExpressionNode => {
    let left = parseUnary();
    for (;;) {
      const token = peek();
      if (
        token.kind !== 'operator' ||
        (token.operator !== '*' && token.operator !== '/' && token.operator !== '%')
      ) {
        return left;
      }
      index++;
      left = {
        type: 'binary',
        operator: token.operator,
        left,
        right: parseUnary(),
        position: token.position,
      };
    }
  };

  const parseUnary = (): ExpressionNode => {
    const token = peek();
    enter(token);
    let node: ExpressionNode;
    if (isOperator(token, '-')) {
      index++;
      node = { type: 'negate', operand: parseUnary(), position: token.position };
    } else if (isOperator(token, '+')) {
      index++;
      node = parseUnary();
    } else {
      node = parsePower();
    }
    depth--;
    return node;
  };

  const parsePower = (): ExpressionNode => {
    const base = parsePostfix();
    const token = peek();
    if (!isOperator(token, '^')) return base;
    index++;
    return {
      type: 'binary',
      operator: '^',
      left: base,
      right: parseUnary(),
      position: token.position,
    };
  };

  const parsePostfix = (): ExpressionNode => {
    let node = parsePrimary();
    let chained = 0;
    while (isOperator(peek(), '!')) {
      enter(peek());
      chained++;
      node = { type: 'factorial', operand: node, position: peek().position };
      index++;
    }
    depth -= chained;
    return node;
  };

  const parsePrimary = (): ExpressionNode => {
    const token = peek();
    let node: ExpressionNode;
    if (token.kind === 'number') {
      index++;
      node = { type: 'number', value: token.value, position: token.position };
    } else if (token.kind === 'name') {
      index++;
      node = isOperator(peek(), '(')
        ? parseCall(token.name, token.position)
        : { type: 'name', name: token.name, position: token.position };
    } else if (isOperator(token, '(')) {
      index++;
      node = parseSum();
      expectClosing(token.position);
    } else {
      throw unexpected(token, 'a number, a name or "("');
    }
    const next = peek();
    // "2pi", "2(3)", "(1)(2)": say so instead of a vague syntax error.
    if (next.kind === 'number' || next.kind === 'name' || isOperator(next, '(')) {
      throw new CalculatorError({
        reason: 'syntax',
        position: next.position,
        message: `Missing operator before ${describeToken(next)} at position ${next.position}. Implicit multiplication is not supported: write 2*pi, not 2pi, and 2*(3+4), not 2(3+4).`,
      });
    }
    return node;
  };

  const parseCall = (name: string, position: number): ExpressionNode => {
    const open = peek();
    index++;
    const args: ExpressionNode[] = [];
    if (isOperator(peek(), ')')) {
      index++;
    } else {
      for (;;) {
        args.push(parseSum());
        if (isOperator(peek(), ',')) {
          index++;
          continue;
        }
        expectClosing(open.position);
        break;
      }
    }
    return { type: 'call', name, args, position };
  };

  const expectClosing = (openPosition: number): void => {
    const token = peek();
    if (isOperator(token, ')')) {
      index++;
      return;
    }
    if (token.kind === 'end') {
      throw new CalculatorError({
        reason: 'syntax',
        position: openPosition,
        message: `The "(" at position ${openPosition} is never closed. Add a ")".`,
      });
    }
    throw unexpected(token, `"," or ")" to close the "(" at position ${openPosition}`);
  };

  const tree = parseSum();
  const last = peek();
  if (last.kind !== 'end') {
    if (isOperator(last, ')')) {
      throw new CalculatorError({
        reason: 'syntax',
        position: last.position,
        message: `Unmatched ")" at position ${last.position}. Remove it or add the "(" it closes.`,
      });
    }
    throw unexpected(last, 'an operator or the end of the expression');
  }
  return tree;
}

function unexpected(token: Token, expected: string): CalculatorError {
  if (token.kind === 'end') {
    return new CalculatorError({
      reason: 'syntax',
      position: token.position,
      message: `The expression ends too early: expected ${expected} at position ${token.position}.`,
    });
  }
  let hint = '';
  if (token.kind === 'operator' && token.operator === ',') {
    hint = ' Commas only separate function arguments; write 1000, not 1,000.';
  }
  return new CalculatorError({
    reason: 'syntax',
    position: token.position,
    message: `Unexpected ${describeToken(token)} at position ${token.position}: expected ${expected}.${hint}`,
  });
}

function describeToken(token: Token): string {
  switch (token.kind) {
    case 'number':
      return `number ${token.text}`;
    case 'name':
      return `name "${token.name}"`;
    case 'operator':
      return `"${token.text}"`;
    case 'end':
      return 'end of the expression';
  }
}
