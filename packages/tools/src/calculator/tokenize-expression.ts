import { CalculatorError } from './calculator-error.ts';

/** One token of a calculator expression. @internal */
export type Token =
  | { kind: 'number'; value: number; text: string; position: number }
  | { kind: 'name'; name: string; position: number }
  | { kind: 'operator'; operator: Operator; text: string; position: number }
  | { kind: 'end'; position: number };

/** The operator and punctuation tokens. @internal */
export type Operator = '+' | '-' | '*' | '/' | '%' | '^' | '!' | '(' | ')' | ',';

/** The bounds of {@link tokenizeExpression}. @internal */
export type TokenizeLimits = {
  maxLength: number;
  maxTokens: number;
};

// Characters models like to write, mapped to the ASCII operator they mean.
const operatorAliases: ReadonlyMap<string, Operator> = new Map([
  ['+', '+'],
  ['-', '-'],
  ['\u2212', '-'], // minus sign
  ['\u2013', '-'], // en dash
  ['*', '*'],
  ['\u00d7', '*'], // multiplication sign
  ['\u22c5', '*'], // dot operator
  ['/', '/'],
  ['\u00f7', '/'], // division sign
  ['%', '%'],
  ['^', '^'],
  ['!', '!'],
  ['(', '('],
  [')', ')'],
  [',', ','],
]);

const NUMBER_PATTERN = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME_PATTERN = /[A-Za-z_][A-Za-z0-9_]*/y;

/**
 * Splits an expression into tokens. Positions are 1-based, as shown to the model.
 *
 * @throws {@link CalculatorError} `too-complex` past the limits, `syntax` for any character that
 * is not part of the language (quotes, brackets, dots after names, ...).
 * @internal
 */
export function tokenizeExpression(expression: string, limits: TokenizeLimits): Token[] {
  if (expression.length > limits.maxLength) {
    throw new CalculatorError({
      reason: 'too-complex',
      message: `The expression is ${expression.length} characters long; the limit is ${limits.maxLength}. Split the calculation into smaller steps.`,
    });
  }
  const tokens: Token[] = [];
  let index = 0;
  while (index < expression.length) {
    const char = expression[index] as string;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      index++;
      continue;
    }
    if (tokens.length >= limits.maxTokens) {
      throw new CalculatorError({
        reason: 'too-complex',
        position: index + 1,
        message: `The expression has more than ${limits.maxTokens} tokens. Split the calculation into smaller steps.`,
      });
    }
    const position = index + 1;
    if (isDigit(char) || (char === '.' && isDigit(expression[index + 1]))) {
      NUMBER_PATTERN.lastIndex = index;
      const text = (NUMBER_PATTERN.exec(expression) as RegExpExecArray)[0];
      index += text.length;
      tokens.push({ kind: 'number', value: readNumber(text, position), text, position });
      continue;
    }
    if (isNameStart(char)) {
      NAME_PATTERN.lastIndex = index;
      const name = (NAME_PATTERN.exec(expression) as RegExpExecArray)[0];
      index += name.length;
      tokens.push({ kind: 'name', name, position });
      continue;
    }
    if (char === '*' && expression[index + 1] === '*') {
      tokens.push({ kind: 'operator', operator: '^', text: '**', position });
      index += 2;
      continue;
    }
    if (char === '\u03c0') {
      tokens.push({ kind: 'name', name: 'pi', position });
      index++;
      continue;
    }
    const operator = operatorAliases.get(char);
    if (operator !== undefined) {
      tokens.push({ kind: 'operator', operator, text: char, position });
      index++;
      continue;
    }
    throw new CalculatorError({
      reason: 'syntax',
      position,
      message: `Unexpected character ${describeCharacter(expression, index)} at position ${position}. ${hintFor(char)}`,
    });
  }
  tokens.push({ kind: 'end', position: expression.length + 1 });
  return tokens;
}

function readNumber(text: string, position: number): number {
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new CalculatorError({
      reason: 'not-finite',
      position,
      message: `The number ${text} at position ${position} is too large for a 64-bit float (max about 1.8e308).`,
    });
  }
  return value;
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

function isNameStart(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z') || char === '_';
}

function describeCharacter(expression: string, index: number): string {
  const codePoint = expression.codePointAt(index) as number;
  const char = String.fromCodePoint(codePoint);
  // Control and invisible characters would vanish in the message; name them by code point.
  return codePoint < 0x20 || codePoint === 0x7f || /\p{C}|\p{Z}/u.test(char)
    ? `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`
    : JSON.stringify(char);
}

function hintFor(char: string): string {
  if (char === '=') return 'Give only the expression to evaluate, without "=".';
  if (char === '[' || char === ']' || char === '{' || char === '}') {
    return 'Use round parentheses ( ) for grouping.';
  }
  if (char === '.') return 'Property access is not supported; write numbers like 0.5 or .5.';
  if (char === '"' || char === "'" || char === '`') return 'Strings are not supported.';
  return 'Use numbers, + - * / % ^ ! ( ) , and the listed constants and functions.';
}
