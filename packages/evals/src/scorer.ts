import { GemloopError } from '@gemloop/core';
import { cutText, cutTextNoted } from '@gemloop/core/internal';
import type { EvalCase } from './eval-case.ts';

/**
 * The longest `reason` a score keeps, in UTF-16 units: a judge's explanation of a page fits; a
 * scorer that hands back a whole transcript (10 MB) is cut here, and the reason ends with
 * `… [N characters omitted]`, so every copy of the result (its file, the JUnit report, each
 * `case-end` event) stays bounded.
 */
export const MAX_REASON_CHARS = 10_000;

/** The longest scorer name a score keeps (a verdict may name itself). */
const MAX_SCORER_NAME_CHARS = 200;

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
  /** At most 200 characters in a result. */
  scorer: string;
  score: number;
  pass: boolean;
  /**
   * At most 10,000 characters in a result: a longer one is cut there and ends with
   * `… [N characters omitted]`.
   */
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
 * string (cut at {@link MAX_REASON_CHARS}, with a note of how much). A `Scorer` is user code: a NaN or `Infinity` (a division by zero) or a missing `pass`
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
  const name = typeof verdict['scorer'] === 'string' ? verdict['scorer'] : scorer.name;
  return {
    scorer: cutText(String(name), MAX_SCORER_NAME_CHARS),
    score: clamp(score as number),
    pass: pass as boolean,
    reason: cutTextNoted(reason as string, MAX_REASON_CHARS),
  };
}

/**
 * A scorer's own copy of a case's expected tool calls (the list and each call's record; the rest
 * of the case shared): the same case object goes to every scorer of every repeat, and a scorer
 * sorting `evalCase.expected.toolCalls` in place reordered them for all of them (attack43a).
 * @internal
 */
export function scorerCase(evalCase: EvalCase): EvalCase {
  const expected = evalCase.expected;
  if (expected?.toolCalls === undefined) return evalCase;
  return {
    ...evalCase,
    expected: { ...expected, toolCalls: expected.toolCalls.map((call) => ({ ...call })) },
  };
}

/**
 * A scorer's own copy of a run's output: its lists and each call's record are new, the values in
 * them (arguments, outputs) shared. Every scorer of an attempt was handed the same object, and so
 * was the canary's record of the run's trajectory: a scorer sorting `run.toolCalls` in place
 * reordered the calls for every scorer after it and for the canary (attack43a). Lists and records
 * only: a copy of every argument would cost a deep clone per scorer of outputs that can be large.
 * @internal
 */
export function scorerCopy(output: EvalRunOutput): EvalRunOutput {
  return {
    ...output,
    turns: [...output.turns],
    toolCalls: output.toolCalls.map((call) => ({ ...call })),
  };
}
