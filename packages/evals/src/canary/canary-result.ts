import type { EvalRunOutput } from '../scorer.ts';
import type { ToolCallComparison } from './compare-tool-calls.ts';
import type { TrajectoryShift } from './trajectory-shift.ts';

/** The format version of a canary result file. */
export const CANARY_RESULT_FORMAT = 1;

/** One model's runs of one case in a canary. */
export type CanaryModelRuns = {
  model: string;
  /** Runs that finished (an error attempt is not judged). */
  runs: number;
  /** Attempts that threw, timed out or were rate-limited. */
  errors: number;
  /** The first error's message, when there was one. */
  firstError?: string | undefined;
  /** Each trajectory taken, as its tool names, with how many runs took it, most taken first. */
  trajectories: { calls: string; count: number }[];
  /** Mean US dollars per finished run; `null` when a run's cost is unknown. */
  meanCostUsd: number | null;
  meanLatencyMs: number;
  meanTokens: number;
};

/** A regression mark the team set (`mustCall`, `mustPass`), judged on one case. */
export type CanaryRequirement = {
  kind: 'tool' | 'scorer';
  /** The tool that must be called, or the scorer that must pass. */
  name: string;
  fromMet: number;
  fromRuns: number;
  toMet: number;
  toRuns: number;
  /** One-sided Fisher exact test that the new model meets it less often (see `fewerMetPValue`). */
  pValue: number;
  /** The new model misses it more often, beyond the old model's noise: fails the canary. */
  regression: boolean;
};

/**
 * How a case came out: `same` (no difference beyond noise), `changed` (the trajectory mix
 * differs beyond noise; reported, not failing unless asked), `regression` (a marked requirement is
 * missed more often), `unjudged` (fewer than two finished runs on a side).
 */
export type CanaryCaseStatus = 'same' | 'changed' | 'regression' | 'unjudged';

/** One case of a canary. */
export type CanaryCase = {
  caseId: string;
  status: CanaryCaseStatus;
  from: CanaryModelRuns;
  to: CanaryModelRuns;
  /** The trajectory statistics; absent when unjudged. */
  shift?: TrajectoryShift | undefined;
  /** The old model's most taken trajectory against the new one's. */
  difference?: ToolCallComparison | undefined;
  /** Mean cost per run, new minus old (`null` when either is unknown). */
  costDeltaUsd: number | null;
  latencyDeltaMs: number;
  requirements: CanaryRequirement[];
  /** Why the case is unjudged. */
  reason?: string | undefined;
};

/** A model-upgrade canary, as `runCanary` returns it and `gemloop eval canary --json` writes it. */
export type CanaryResult = {
  format: 'gemloop-canary';
  version: typeof CANARY_RESULT_FORMAT;
  from: string;
  to: string;
  /** Runs per case and model. */
  k: number;
  /** The significance level of a trajectory change. */
  alpha: number;
  /** The significance level of a requirement's regression. */
  requirementAlpha: number;
  cases: CanaryCase[];
  changed: number;
  regressions: number;
  unjudged: number;
  /** No regression and no unjudged case (and, with `failOnChange`, no change). */
  passed: boolean;
  /** Mean cost per run over the suite, new minus old (`null` when a cost is unknown). */
  costDeltaUsd: number | null;
  latencyDeltaMs: number;
};

/** A finished run's output, by case and repeat. @internal */
export type RunOutputs = Map<string, EvalRunOutput[]>;
