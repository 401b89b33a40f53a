import { closestNames } from '@gemloop/core/internal';
import { CalculatorError } from './calculator-error.ts';
import { calculatorConstants, calculatorFunctions } from './calculator-functions.ts';
import type { ExpressionNode } from './parse-expression.ts';
import { parseExpression } from './parse-expression.ts';
import { tokenizeExpression } from './tokenize-expression.ts';

/** The bounds {@link evaluateExpression} enforces. */
export type ExpressionLimits = {
  /** Longest expression, in characters. */
  maxLength: number;
  /** Most tokens (numbers, names, operators). Evaluation does at most one step per token. */
  maxTokens: number;
  /** Deepest nesting of parentheses, signs, exponents and function arguments. */
  maxDepth: number;
};

/**
 * Evaluates an untrusted arithmetic expression without `eval`, `Function` or `vm`: a tokenizer,
 * a recursive-descent parser with a depth bound, and a tree walk over numbers only. Names resolve
 * against fixed `Map`s of constants and functions, so nothing in the expression can reach a
 * JavaScript object, property, prototype or global. Cost is bounded by `maxTokens`: every
 * operation is O(1) except `factorial` (at most 170 steps) and variadic functions (one step per
 * argument token).
 *
 * @throws {@link CalculatorError} with a message that names the problem and its position.
 * @internal
 */
export function evaluateExpression(expression: string, limits: ExpressionLimits): number {
  const tokens = tokenizeExpression(expression, limits);
  if (tokens.length === 1) {
    throw new CalculatorError({
      reason: 'syntax',
      message: 'The expression is empty. Give an arithmetic expression such as "2 * (3 + 4)".',
    });
  }
  try {
    return evaluateNode(parseExpression(tokens, limits.maxDepth));
  } catch (error) {
    // The limits are meant to keep the stack shallow; should a shape they miss still exhaust it,
    // the model gets an error it can act on rather than a raw RangeError.
    if (error instanceof RangeError) {
      throw new CalculatorError({
        reason: 'too-complex',
        message:
          'The expression is too deeply nested to evaluate. Simplify it or split it into steps.',
      });
    }
    throw error;
  }
}

function evaluateNode(node: ExpressionNode): number {
  switch (node.type) {
    case 'number':
      return node.value;
    case 'name':
      return resolveConstant(node.name, node.position);
    case 'negate':
      return -evaluateNode(node.operand);
    case 'factorial':
      return applyFunction('factorial', [evaluateNode(node.operand)], node.position, '!');
    case 'call':
      return applyFunction(
        node.name,
        node.args.map((arg) => evaluateNode(arg)),
        node.position,
      );
    case 'binary':
      return evaluateChain(node);
  }
}

type BinaryNode = Extract<ExpressionNode, { type: 'binary' }>;

/**
 * A flat chain such as `1+1+...+1` parses into a left-leaning tree as deep as the chain is long
 * (5000 levels at the largest `maxTokens`), which plain recursion would overflow; its left spine
 * is walked in a loop instead. Every other way down the tree (a right operand, an argument, a
 * sign, a `!`) counts toward `maxDepth`, so the recursion that remains is bounded.
 */
function evaluateChain(node: BinaryNode): number {
  const spine: BinaryNode[] = [];
  let left: ExpressionNode = node;
  while (left.type === 'binary') {
    spine.push(left);
    left = left.left;
  }
  let value = evaluateNode(left);
  for (let index = spine.length - 1; index >= 0; index--) {
    const step = spine[index] as BinaryNode;
    value = applyOperator(step.operator, value, evaluateNode(step.right), step.position);
  }
  return value;
}

function applyOperator(
  operator: '+' | '-' | '*' | '/' | '%' | '^',
  left: number,
  right: number,
  position: number,
): number {
  let result: number;
  switch (operator) {
    case '+':
      result = left + right;
      break;
    case '-':
      result = left - right;
      break;
    case '*':
      result = left * right;
      break;
    case '/':
    case '%':
      if (right === 0) {
        throw new CalculatorError({
          reason: 'division-by-zero',
          position,
          message: `${operator === '/' ? 'Division' : 'Remainder'} by zero at position ${position} (${format(left)} ${operator} 0) has no value.`,
        });
      }
      result = operator === '/' ? left / right : left % right;
      break;
    case '^':
      if (left === 0 && right < 0) {
        throw new CalculatorError({
          reason: 'division-by-zero',
          position,
          message: `0 ^ ${format(right)} at position ${position} divides by zero and has no value.`,
        });
      }
      result = left ** right;
      if (Number.isNaN(result)) {
        throw new CalculatorError({
          reason: 'not-finite',
          position,
          message: `${format(left)} ^ ${format(right)} at position ${position} has no real result: a negative base needs a whole-number exponent (use cbrt(x) for a cube root).`,
        });
      }
      break;
  }
  return checkFinite(result, `${format(left)} ${operator} ${format(right)}`, position);
}

function resolveConstant(name: string, position: number): number {
  const value = calculatorConstants.get(name.toLowerCase());
  if (value !== undefined) return value;
  if (calculatorFunctions.has(name.toLowerCase())) {
    throw new CalculatorError({
      reason: 'syntax',
      position,
      message: `"${name}" at position ${position} is a function; call it with parentheses, e.g. ${name}(2).`,
    });
  }
  throw unknownName(name, position);
}

function applyFunction(
  name: string,
  args: number[],
  position: number,
  written: string = name,
): number {
  const fn = calculatorFunctions.get(name.toLowerCase());
  if (fn === undefined) {
    if (calculatorConstants.has(name.toLowerCase())) {
      throw new CalculatorError({
        reason: 'syntax',
        position,
        message: `"${name}" at position ${position} is a constant, not a function; use it without parentheses (write 2*${name}, not ${name}(2)).`,
      });
    }
    throw unknownName(name, position);
  }
  if (args.length < fn.minArgs || args.length > fn.maxArgs) {
    const expected = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
    throw new CalculatorError({
      reason: 'invalid-argument',
      position,
      message: `${name} at position ${position} takes ${expected} argument${fn.maxArgs === 1 ? '' : 's'}, got ${args.length}. Usage: ${fn.signature}.`,
    });
  }
  const problem = fn.check?.(args);
  if (problem !== undefined) {
    throw new CalculatorError({
      reason: 'invalid-argument',
      position,
      message: `At position ${position}${written === '!' ? ' (the "!" operator)' : ''}: ${problem}`,
    });
  }
  const result = fn.apply(args);
  if (Number.isNaN(result)) {
    throw new CalculatorError({
      reason: 'not-finite',
      position,
      message: `${name}(${args.map(format).join(', ')}) at position ${position} has no real result.`,
    });
  }
  return checkFinite(result, `${name}(${args.map(format).join(', ')})`, position);
}

function checkFinite(result: number, description: string, position: number): number {
  if (Number.isFinite(result)) return result;
  throw new CalculatorError({
    reason: 'not-finite',
    position,
    message: `${description} at position ${position} overflows: the result is beyond ±1.8e308, the largest 64-bit float. Use smaller numbers or work with logarithms.`,
  });
}

function unknownName(name: string, position: number): CalculatorError {
  const suggestions = closestNames({
    input: name,
    candidates: [...calculatorConstants.keys(), ...calculatorFunctions.keys()],
  });
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.join(' or ')}?` : '';
  return new CalculatorError({
    reason: 'unknown-name',
    position,
    message: `Unknown name "${name}" at position ${position}.${hint} Known constants: ${[...calculatorConstants.keys()].join(', ')}. Known functions: ${[...calculatorFunctions.keys()].join(', ')}. Variables are not supported.`,
  });
}

function format(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e21
    ? String(value)
    : String(Number(value.toPrecision(6)));
}
