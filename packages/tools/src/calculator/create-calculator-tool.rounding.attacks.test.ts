import { describe, expect, it } from 'vitest';
import { toolContext } from '../__fixtures__/tool-context.ts';
import { createCalculatorTool } from '../index.ts';

// attack59b: a result near the largest float rounded up past it. 1.7976931348623157e308 is a
// finite result the evaluator lets through; written to 15 significant digits it is
// 1.79769313486232e308, which reads back as Infinity, and JSON carries Infinity as null: the model
// was told the answer is `null`, with no error. The rounded value must stay a number.

/** The result as the model receives it: through JSON. */
function answer(expression: string, options: Parameters<typeof createCalculatorTool>[0] = {}) {
  const result = createCalculatorTool(options).execute({ expression }, toolContext());
  return JSON.parse(JSON.stringify(result)) as { expression: string; result: unknown };
}

describe('a result that rounding would push past the largest float', () => {
  it.each([
    ['1.7976931348623157e308', Number.MAX_VALUE],
    ['-1.7976931348623157e308', -Number.MAX_VALUE],
    ['1.7976931348623157e308 * 1', Number.MAX_VALUE],
    ['2^1023 * 1.9999999999999998', Number.MAX_VALUE],
  ])('%s stays a number the model can read', (expression, expected) => {
    const { result } = answer(expression);
    expect(typeof result).toBe('number');
    expect(result).toBe(expected);
  });

  it('with fewer significant digits too', () => {
    // 1.5e308 to one digit is 2e308, past the largest float.
    const { result } = answer('1.5e308', { significantDigits: 1 });
    expect(typeof result).toBe('number');
    expect(Number.isFinite(result)).toBe(true);
  });

  it('rounds an ordinary result as before', () => {
    expect(answer('0.1 + 0.2').result).toBe(0.3);
    expect(answer('1e308').result).toBe(1e308);
    expect(answer('-0').result).toBe(0);
  });
});
