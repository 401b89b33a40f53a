import type { DefinedTool } from '@gemloop/core';
import { defineTool } from '@gemloop/core';
import {
  checkedWhereUsed,
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  stringOption,
} from '@gemloop/core/internal';
import { z } from 'zod/v4';
import { wholeNumberOption } from '../internal/whole-number-option.ts';
import { calculatorConstants, calculatorFunctions, MAX_FACTORIAL } from './calculator-functions.ts';
import type { ExpressionLimits } from './evaluate-expression.ts';
import { evaluateExpression } from './evaluate-expression.ts';

/** The options of {@link createCalculatorTool}. */
export type CalculatorToolOptions = {
  /** The function name the model calls. @defaultValue `'calculator'` */
  name?: string | undefined;
  /** Replaces the description the model reads. */
  description?: string | undefined;
  /** Longest expression in characters (at most 10000). @defaultValue 1000 */
  maxLength?: number | undefined;
  /** Most tokens in an expression (at most 10000). @defaultValue 500 */
  maxTokens?: number | undefined;
  /** Deepest nesting of parentheses, signs and exponents (at most 200). @defaultValue 100 */
  maxDepth?: number | undefined;
  /**
   * Significant digits of the result, 1 to 17. 15 hides binary floating-point noise
   * (0.1 + 0.2 gives 0.3), as a scientific calculator does; 17 returns the exact double.
   * @defaultValue 15
   */
  significantDigits?: number | undefined;
};

/** The arguments of the calculator tool. */
export type CalculatorToolArgs = { expression: string };

/** What the calculator tool returns. */
export type CalculatorToolResult = { expression: string; result: number };

const DEFAULT_MAX_LENGTH = 1000;
const DEFAULT_MAX_TOKENS = 500;
const DEFAULT_MAX_DEPTH = 100;
const DEFAULT_SIGNIFICANT_DIGITS = 15;

const calculatorOptions: DeclaredOptions<CalculatorToolOptions> =
  defineOptions<CalculatorToolOptions>({
    name: 'createCalculatorTool',
    example: '{ maxLength: 200 }',
    checks: {
      // defineTool checks the name against Gemini's rule.
      name: checkedWhereUsed,
      description: stringOption(),
      maxLength: wholeNumberOption('createCalculatorTool', 1, 10_000),
      maxTokens: wholeNumberOption('createCalculatorTool', 1, 10_000),
      maxDepth: wholeNumberOption('createCalculatorTool', 1, 200),
      significantDigits: wholeNumberOption('createCalculatorTool', 1, 17),
    },
  });

/**
 * A calculator tool: evaluates arithmetic expressions exactly the way a scientific calculator
 * would, so the model does not do arithmetic in its head.
 *
 * The expression is untrusted input. It is evaluated by a hand-written parser, never by `eval`,
 * `Function` or `vm`, and names resolve only against a fixed list. Off-the-shelf evaluators were
 * ruled out for this reason: expr-eval had a code-execution flaw through its variables object
 * (CVE-2025-12735, GHSA-jc85-fpwf-qm7x), and mathjs, whose sandbox reaches JavaScript objects,
 * has had repeated escapes (josdejong/mathjs#821, #822 in 2017, #3255 in 2024, CVE-2026-41139 and
 * CVE-2026-40897 in 2026).
 *
 * Length, token count and nesting are bounded, so `9^9^9^9`, `factorial(1e9)` or 10 000 nested
 * parentheses fail fast with a {@link CalculatorError} the model can act on.
 *
 * @example
 * const agent = createAgent({ model, tools: [createCalculatorTool()] });
 *
 * @throws {@link @gemloop/core!InvalidArgumentError | InvalidArgumentError} for options out of range.
 */
export function createCalculatorTool(
  options: CalculatorToolOptions = {},
): DefinedTool<CalculatorToolArgs, CalculatorToolResult> {
  const {
    name = 'calculator',
    description,
    maxLength = DEFAULT_MAX_LENGTH,
    maxTokens = DEFAULT_MAX_TOKENS,
    maxDepth = DEFAULT_MAX_DEPTH,
    significantDigits = DEFAULT_SIGNIFICANT_DIGITS,
    // Each option read once (attack17): a getter gave the check maxDepth 2 and the parser 1e9.
  } = checkOptionsCopy(calculatorOptions, options);
  const limits: ExpressionLimits = { maxLength, maxTokens, maxDepth };

  return defineTool({
    name,
    description: description ?? describeCalculator(limits.maxLength, significantDigits),
    parameters: z.object({
      expression: z
        .string()
        .min(1)
        .max(limits.maxLength)
        .describe(
          'One arithmetic expression, e.g. "(1 + 2) * 3^2", "sqrt(2) / 2", "round(100 * 1.075^10, 2)", "sin(rad(30))", "max(3, 7, 5) - 10 % 4", "12!". No "=", no units, no variables.',
        ),
    }),
    execute: ({ expression }): CalculatorToolResult => {
      const value = evaluateExpression(expression, limits);
      // toPrecision then Number drops the noise digits; `+ 0` turns -0 into 0.
      const rounded = Number(value.toPrecision(significantDigits)) + 0;
      // Near the largest float, rounding up can pass it (1.7976931348623157e308 to 15 digits reads
      // back as Infinity, which JSON sends as null): the value the evaluator checked is kept.
      return { expression, result: Number.isFinite(rounded) ? rounded : value };
    },
  });
}

function describeCalculator(maxLength: number, significantDigits: number): string {
  return [
    'Evaluates an arithmetic expression and returns the exact numeric result. Use it for any calculation instead of computing in your head.',
    'Operators: + - * / % (remainder) ^ or ** (power, right-associative: 2^3^2 = 512), unary minus (-2^2 = -4), n! (factorial), parentheses.',
    `Constants: ${[...calculatorConstants.keys()].join(', ')}.`,
    `Functions: ${[...calculatorFunctions.values()].map((fn) => fn.signature).join(', ')}. Trigonometry works in radians; convert degrees with rad(x). log is base 10, ln is natural. factorial accepts 0 to ${MAX_FACTORIAL}.`,
    `Limits: ${maxLength} characters, no variables, no implicit multiplication (write 2*pi). Results are numbers rounded to ${significantDigits} significant digits; division by zero and overflow are reported as errors.`,
  ].join(' ');
}
