import { GemloopError } from '@gemloop/core';
import type { EvalCase } from './eval-case.ts';

/** One tool call of a run, as scorers see it. */
export type EvalToolCall = {
  name: string;
  args: unknown;
  outcome: string;
  output?: unknown;
  error?: string | undefined;
};

/** What a case's run produced (all turns of a conversation together). */
export type EvalRunOutput = {
  /** The last answer's text. */
  text: string;
  /** Every answer's text, one per turn (one for a single-turn case). */
  turns: string[];
  /** The structured output of the last answer, if the agent has one. */
  output: unknown;
  toolCalls: EvalToolCall[];
};

/** A scorer's verdict: a score in [0, 1], whether it passes, and why (always said). */
export type Score = {
  scorer: string;
  score: number;
  pass: boolean;
  reason: string;
};

/** What a scorer judges: the case and its run. */
export type ScoreContext = {
  evalCase: EvalCase;
  run: EvalRunOutput;
  signal: AbortSignal;
};

/**
 * A scorer: a name and a function of the case and its run. Return `undefined` when the case has
 * nothing for it to judge (no expectation of its kind): it then does not count.
 */
export type Scorer = {
  name: string;
  score(context: ScoreContext): Score | undefined | Promise<Score | undefined>;
};

/**
 * A user-defined scorer. `fn` returns a number (passes at `threshold`), a boolean, or a full
 * `{ score, pass?, reason }`; `undefined` skips the case.
 */
export function defineScorer(
  name: string,
  fn: (
    context: ScoreContext,
  ) =>
    | number
    | boolean
    | { score: number; pass?: boolean; reason: string }
    | undefined
    | Promise<number | boolean | { score: number; pass?: boolean; reason: string } | undefined>,
  options: { threshold?: number } = {},
): Scorer {
  const threshold = options.threshold ?? 1;
  return {
    name,
    async score(context) {
      const value = await fn(context);
      if (value === undefined) return undefined;
      if (typeof value === 'boolean') {
        return {
          scorer: name,
          score: value ? 1 : 0,
          pass: value,
          reason: value ? 'true' : 'false',
        };
      }
      if (typeof value === 'number') {
        const score = clamp(value);
        return { scorer: name, score, pass: score >= threshold, reason: `score ${score}` };
      }
      const score = clamp(value.score);
      return { scorer: name, score, pass: value.pass ?? score >= threshold, reason: value.reason };
    },
  };
}

/** A score in [0, 1] (NaN counts as 0). */
export function clamp(value: number): number {
  return Number.isNaN(value) ? 0 : Math.min(1, Math.max(0, value));
}

/**
 * A scorer's verdict, checked: `undefined` (skipped), or a {@link Score} whose `score` is a
 * finite number (clamped to [0, 1], as {@link defineScorer} does), `pass` a boolean and `reason` a
 * string. A `Scorer` is user code: a NaN or `Infinity` (a division by zero) or a missing `pass`
 * would otherwise pass a case, or be written to the result file as `null` that its reports cannot
 * read back.
 * @throws GemloopError naming the scorer and what it returned; the attempt is then an error.
 * @internal
 */
export function checkScore(scorer: Scorer, value: unknown): Score | undefined {
  if (value === undefined) return undefined;
  const verdict = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const { score, pass, reason } = verdict;
  const problem =
    typeof value !== 'object' || value === null
      ? `a ${value === null ? 'null' : typeof value} instead of { scorer, score, pass, reason }`
      : typeof score !== 'number' || !Number.isFinite(score)
        ? `score ${typeof score === 'number' ? String(score) : typeof score}, not a finite number from 0 to 1`
        : typeof pass !== 'boolean'
          ? `pass ${typeof pass}, not a boolean`
          : typeof reason !== 'string'
            ? `reason ${typeof reason}, not a string`
            : undefined;
  if (problem !== undefined) {
    throw new GemloopError({
      message: `scorer '${scorer.name}' returned ${problem}; return undefined to skip a case, or use defineScorer().`,
    });
  }
  return {
    scorer: typeof verdict['scorer'] === 'string' ? verdict['scorer'] : scorer.name,
    score: clamp(score as number),
    pass: pass as boolean,
    reason: reason as string,
  };
}
