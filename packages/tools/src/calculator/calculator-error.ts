import { GemloopError } from '@gemloop/core';

/** Why a calculation failed. */
export type CalculatorErrorReason =
  /** The expression is not valid syntax (unexpected character or token, missing parenthesis). */
  | 'syntax'
  /** A name is neither a known constant nor a known function. */
  | 'unknown-name'
  /** A function got the wrong number of arguments or an argument outside its domain. */
  | 'invalid-argument'
  /** Division or remainder by zero. */
  | 'division-by-zero'
  /** The result or a step of it is infinite or not a real number. */
  | 'not-finite'
  /** The expression is longer, has more tokens, or nests deeper than the limits allow. */
  | 'too-complex';

/**
 * A calculator expression could not be evaluated. The message says what was wrong, where
 * (1-based `position` in the expression), and how to write it instead; the agent loop hands it to
 * the model, which can fix the call.
 */
export class CalculatorError extends GemloopError {
  override readonly code = 'calculator';
  readonly reason: CalculatorErrorReason;
  /** 1-based character position in the expression, when the problem has one. */
  readonly position: number | undefined;

  constructor({
    reason,
    message,
    position,
  }: {
    reason: CalculatorErrorReason;
    message: string;
    position?: number | undefined;
  }) {
    super({ message });
    this.reason = reason;
    this.position = position;
  }

  static override isInstance(error: unknown): error is CalculatorError {
    return GemloopError.hasCode(error, 'calculator');
  }
}
