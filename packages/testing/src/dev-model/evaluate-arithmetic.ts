/**
 * Evaluates `+ - * / % ^` and parentheses over decimal numbers, for the demo model's answers to
 * plain arithmetic when no calculator tool is declared. A small recursive-descent parser (no
 * `eval`, no names); returns `undefined` for anything else.
 * @internal
 */
export function evaluateArithmetic(expression: string): number | undefined {
  const tokens = expression.replace(/\*\*/g, '^').match(/\d+(?:\.\d+)?|[-+*/%^()]|\S/g) ?? [];
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const take = (): string | undefined => tokens[position++];

  function primary(): number {
    const token = take();
    if (token === '(') {
      const value = sum();
      if (take() !== ')') throw new Error('unbalanced');
      return value;
    }
    if (token === '-') return -primary();
    if (token === '+') return primary();
    if (token !== undefined && /^\d/.test(token)) return Number(token);
    throw new Error('unexpected');
  }
  function power(): number {
    const base = primary();
    if (peek() === '^') {
      take();
      return base ** power();
    }
    return base;
  }
  function product(): number {
    let value = power();
    for (
      let operator = peek();
      operator === '*' || operator === '/' || operator === '%';
      operator = peek()
    ) {
      take();
      const right = power();
      value = operator === '*' ? value * right : operator === '/' ? value / right : value % right;
    }
    return value;
  }
  function sum(): number {
    let value = product();
    for (let operator = peek(); operator === '+' || operator === '-'; operator = peek()) {
      take();
      value = operator === '+' ? value + product() : value - product();
    }
    return value;
  }

  try {
    const value = sum();
    if (position !== tokens.length || !Number.isFinite(value)) return undefined;
    return Number(value.toPrecision(12));
  } catch {
    return undefined;
  }
}
