import type { EvalAttempt, EvalResult } from './eval-result.ts';

/**
 * What `runEval({ onEvent })` reports while it runs, in this order: `suite-start`, then for each
 * attempt its `case-start` and, once scored, its `case-end` (attempts run `concurrency` at once, so
 * the starts and ends of different attempts interleave), then `suite-end` with the result.
 */
export type EvalEvent =
  | {
      type: 'suite-start';
      /** The eval run's name (`runEval({ name })`). */
      name: string;
      mode: 'replay' | 'live' | 'batch';
      /** How many cases, and how many attempts (cases times repeats). */
      cases: number;
      attempts: number;
    }
  | {
      type: 'case-start';
      caseId: string;
      /** 0-based repeat of the case. */
      repeat: number;
      /** The attempt's place among all attempts (0-based), and their number. */
      index: number;
      total: number;
    }
  | {
      type: 'case-end';
      /** The scored attempt: status, every score with its reason, drift or error, usage. */
      attempt: EvalAttempt;
      index: number;
      /** Attempts finished so far (this one included), and their number. */
      done: number;
      total: number;
    }
  | { type: 'suite-end'; result: EvalResult };
