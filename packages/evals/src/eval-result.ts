import type { Score } from './scorer.ts';

/** The format version of an eval result file; `compare` and the viewer refuse others. */
export const EVAL_RESULT_FORMAT = 1;

/**
 * How an attempt ended: `pass` (every score passed), `fail` (a score failed), `drift` (a replay
 * whose agent sent different requests than recorded: a failure, never a pass), `error` (it threw,
 * timed out or was rate-limited).
 */
export type EvalStatus = 'pass' | 'fail' | 'drift' | 'error';

/** Why an attempt errored. */
export type EvalErrorKind = 'threw' | 'timeout' | 'rate-limited';

/** Where a replay's requests first differ from the recorded ones. */
export type EvalDrift = {
  /** The 0-based model call. */
  call: number;
  /** The JSON path of the first difference (`$.contents[2].parts[0].functionCall.args.city`). */
  path: string;
  /** What changed, in words. */
  reason: string;
};

/**
 * A recorded model answer a replay served with values the recording had shortened (thought
 * signatures or inline data past the recorder's limit): the agent got a placeholder there, not the
 * model's bytes, so that step is not reproduced byte for byte. Record with
 * `createRunRecorder({ fidelity: 'full' })` for an exact replay.
 */
export type EvalUnreproduced = {
  /** The run the answer belongs to: `the top run` or `the subagent run <path>`. */
  run: string;
  /** The 0-based model call of that run. */
  call: number;
  /** The JSON paths in the answer (`candidates[0].content.parts[1].thoughtSignature`). */
  omitted: string[];
};

/** One attempt of one case (a case runs `repeats` attempts). */
export type EvalAttempt = {
  caseId: string;
  repeat: number;
  status: EvalStatus;
  scores: Score[];
  text: string;
  error?:
    | { kind: EvalErrorKind; name: string; message: string; status?: number | undefined }
    | undefined;
  drift?: EvalDrift | undefined;
  /**
   * Replay only: the served answers whose shortened values it could not reproduce (see
   * {@link EvalUnreproduced}); absent when every served answer was whole.
   */
  unreproduced?: EvalUnreproduced[] | undefined;
  totalTokens: number;
  /** US dollars, as the run's `cost.total` (`null` when unknown). */
  costUsd: string | null;
  latencyMs: number;
  tags: string[];
  runFile?: string | undefined;
};

/** Distribution of one scorer's scores over the attempts it judged. */
export type ScorerSummary = {
  scorer: string;
  count: number;
  passRate: number;
  mean: number;
  min: number;
  max: number;
  /** Counts of scores in [0, 0.2), [0.2, 0.4), [0.4, 0.6), [0.6, 0.8), [0.8, 1]. */
  histogram: [number, number, number, number, number];
};

/** The totals of an eval run. */
export type EvalSummary = {
  attempts: number;
  passed: number;
  failed: number;
  drifted: number;
  errored: number;
  passRate: number;
  scorers: ScorerSummary[];
  totalTokens: number;
  /** The sum of the known costs, US dollars; `unknownCost` counts attempts without one. */
  costUsd: number;
  unknownCost: number;
  latencyMs: { p50: number; p95: number; max: number };
};

/** One eval run, as written to its JSON file. */
export type EvalResult = {
  format: 'gemloop-eval';
  version: typeof EVAL_RESULT_FORMAT;
  name: string;
  /** `batch`: run live through the Batch API (`runEval({ mode: 'batch' })`). */
  mode: 'replay' | 'live' | 'batch';
  startedAt: string;
  attempts: EvalAttempt[];
  summary: EvalSummary;
};
