import { InvalidArgumentError } from '@gemloop/core';
import {
  checkedWhereUsed,
  checkOptionsCopy,
  copiedOption,
  type DeclaredOptions,
  defineOptions,
} from '@gemloop/core/internal';
import type { EvalAttempt } from '../eval-result.ts';
import { liveOption, runEvalObserved } from '../run-eval.ts';
import type { RunEvalOptions } from '../run-eval-options.ts';
import type { EvalRunOutput } from '../scorer.ts';
import type {
  CanaryCase,
  CanaryModelRuns,
  CanaryRequirement,
  CanaryResult,
} from './canary-result.ts';
import { CANARY_RESULT_FORMAT } from './canary-result.ts';
import {
  compareToolCalls,
  names,
  type TrajectoryArguments,
  type TrajectoryCall,
  trajectoryKey,
} from './compare-tool-calls.ts';
import { fewerMetPValue, trajectoryShift } from './trajectory-shift.ts';

/** Runs per case and model, unless `k` is given. */
export const DEFAULT_CANARY_K = 10;
/** The significance level of a trajectory change, unless `alpha` is given. */
export const DEFAULT_CANARY_ALPHA = 0.01;
/** The significance level of a requirement's regression, unless `requirementAlpha` is given. */
export const DEFAULT_REQUIREMENT_ALPHA = 0.05;

/** Options of {@link runCanary}. */
export type RunCanaryOptions = Pick<
  RunEvalOptions,
  | 'cases'
  | 'live'
  | 'concurrency'
  | 'timeoutMs'
  | 'streaming'
  | 'onAttempt'
  | 'now'
  | 'telemetry'
  | 'signal'
> & {
  /**
   * Builds the agent on `context.model` (each side's model) and `context.gemini`; an agent built
   * on another model is an error attempt, so a canary never compares a model with itself.
   */
  createAgent: NonNullable<RunEvalOptions['createAgent']>;
  /** The model in use. */
  from: string;
  /** The model to upgrade to. */
  to: string;
  /** Scorers run on every run (a `mustPass` name must be one of theirs). @defaultValue none */
  scorers?: RunEvalOptions['scorers'] | undefined;
  /** Runs per case and model: more runs see smaller changes. @defaultValue 10 */
  k?: number | undefined;
  /**
   * A case's trajectory mix is `changed` when a difference this large comes by chance less often
   * than `alpha` on two models that behave alike (so at most that share of unchanged cases is
   * flagged). @defaultValue 0.01
   */
  alpha?: number | undefined;
  /** The level at which a requirement missed more often is a regression. @defaultValue 0.05 */
  requirementAlpha?: number | undefined;
  /** Tools the agent must call: a case where the new model calls one less often is a regression. */
  mustCall?: readonly string[] | undefined;
  /** Scorers that must pass: a case where one passes less often on the new model is a regression. */
  mustPass?: readonly string[] | undefined;
  /** Whether a changed trajectory alone fails the canary. @defaultValue false */
  failOnChange?: boolean | undefined;
  /** Whether tool arguments count in a trajectory. @defaultValue `'exact'` */
  arguments?: TrajectoryArguments | undefined;
};

/**
 * A model-upgrade canary: runs every case `k` times on `from` and `k` times on `to` (live, on the
 * client `live` gives, or a scripted fake in tests) and reports per case how the tool-call
 * trajectories differ, how often the old model varies against itself (its flakiness), whether the
 * difference goes beyond that noise (a permutation test at `alpha`), and the cost and latency
 * difference. A case where the new model calls a `mustCall` tool, or passes a `mustPass` scorer,
 * less often than the old one beyond the noise is a regression, and fails the result.
 *
 * @example
 * ```ts
 * const result = await runCanary({
 *   cases, scorers, from: 'gemini-2.5-flash', to: 'gemini-3-flash-preview',
 *   mustCall: ['cancel_subscription'],
 *   createAgent: ({ gemini, model }) => createAgent({ gemini, model: model ?? 'gemini-2.5-flash', tools }),
 * });
 * if (!result.passed) process.exitCode = 1;
 * ```
 * @throws {@link InvalidArgumentError} for bad models, `k`, levels or marks.
 */
export async function runCanary(given: RunCanaryOptions): Promise<CanaryResult> {
  // Each option read once (attack23), the lists of marks too: `from` was read by its check, by
  // each side and by the report, so a getter passed the check as the old model and ran as `to`
  // (a model judged against itself); `mustCall` was checked, then read again to judge.
  const options = checkOptionsCopy(runCanaryKeys, given);
  const k = options.k ?? DEFAULT_CANARY_K;
  const alpha = options.alpha ?? DEFAULT_CANARY_ALPHA;
  const requirementAlpha = options.requirementAlpha ?? DEFAULT_REQUIREMENT_ALPHA;
  const scorers = options.scorers ?? [];
  checkOptions(options, k, alpha, requirementAlpha, scorers);
  const side = async (model: string) => {
    const outputs = new Map<string, EvalRunOutput>();
    const result = await runEvalObserved(
      {
        ...options,
        scorers,
        name: `canary ${model}`,
        mode: 'live',
        model,
        repeats: k,
      },
      (evalCase, repeat, output) => outputs.set(`${repeat}:${evalCase.id}`, output),
    );
    return { attempts: result.attempts, outputs };
  };
  // One side after the other: both share the client's rate limit, and the old model's runs are
  // the baseline the new one is judged against.
  const from = await side(options.from);
  const to = await side(options.to);
  const marks = {
    mustCall: options.mustCall ?? [],
    mustPass: options.mustPass ?? [],
    alpha,
    requirementAlpha,
    arguments: options.arguments ?? 'exact',
  } as const;
  const cases = options.cases.map((evalCase) =>
    judgeCase(
      evalCase.id,
      runsOf(options.from, evalCase.id, from),
      runsOf(options.to, evalCase.id, to),
      marks,
    ),
  );
  const count = (status: CanaryCase['status']) =>
    cases.filter((item) => item.status === status).length;
  const changed = count('changed');
  const regressions = count('regression');
  const unjudged = count('unjudged');
  const all = (list: readonly EvalAttempt[]) => list.filter((a) => a.status !== 'error');
  return {
    format: 'gemloop-canary',
    version: CANARY_RESULT_FORMAT,
    from: options.from,
    to: options.to,
    k,
    alpha,
    requirementAlpha,
    cases,
    changed,
    regressions,
    unjudged,
    passed: regressions === 0 && unjudged === 0 && !(options.failOnChange === true && changed > 0),
    costDeltaUsd: delta(meanCost(all(to.attempts)), meanCost(all(from.attempts))),
    latencyDeltaMs: meanLatency(all(to.attempts)) - meanLatency(all(from.attempts)),
  };
}

/** One side's attempts of a case, with the tool calls of each finished run. */
type SideRuns = {
  model: string;
  attempts: EvalAttempt[];
  finished: { attempt: EvalAttempt; calls: TrajectoryCall[] }[];
};

function runsOf(
  model: string,
  caseId: string,
  side: { attempts: EvalAttempt[]; outputs: Map<string, EvalRunOutput> },
): SideRuns {
  const attempts = side.attempts.filter((attempt) => attempt.caseId === caseId);
  const finished = attempts.flatMap((attempt) => {
    const output = side.outputs.get(`${attempt.repeat}:${caseId}`);
    // A scorer that threw makes an error attempt after its run finished: not judged either.
    if (attempt.status === 'error' || output === undefined) return [];
    return [{ attempt, calls: output.toolCalls.map(({ name, args }) => ({ name, args })) }];
  });
  return { model, attempts, finished };
}

type Marks = {
  mustCall: readonly string[];
  mustPass: readonly string[];
  alpha: number;
  requirementAlpha: number;
  arguments: TrajectoryArguments;
};

function judgeCase(caseId: string, from: SideRuns, to: SideRuns, marks: Marks): CanaryCase {
  const base = {
    caseId,
    from: describeRuns(from, marks),
    to: describeRuns(to, marks),
    costDeltaUsd: delta(
      meanCost(to.finished.map((run) => run.attempt)),
      meanCost(from.finished.map((run) => run.attempt)),
    ),
    latencyDeltaMs:
      meanLatency(to.finished.map((run) => run.attempt)) -
      meanLatency(from.finished.map((run) => run.attempt)),
  };
  // Two runs a side at least: one run says nothing of a model's own noise.
  const short = [from, to].find((side) => side.finished.length < 2);
  if (short !== undefined) {
    const error = short.attempts.find((attempt) => attempt.error !== undefined)?.error;
    return {
      ...base,
      status: 'unjudged',
      requirements: [],
      reason: `${short.finished.length} of ${short.attempts.length} runs on ${short.model} finished${error === undefined ? '' : `; the first error: ${error.message}`}`,
    };
  }
  const keys = (side: SideRuns) =>
    side.finished.map((run) => trajectoryKey(run.calls, { arguments: marks.arguments }));
  const shift = trajectoryShift(keys(from), keys(to), {
    seed: `${caseId}\u0000${from.model}\u0000${to.model}`,
  });
  const requirements: CanaryRequirement[] = [
    ...marks.mustCall.map((tool) =>
      requirement('tool', tool, from, to, marks, (run) =>
        run.calls.some((call) => call.name === tool),
      ),
    ),
    ...marks.mustPass.flatMap((scorer) => {
      const verdict = (run: SideRuns['finished'][number]) =>
        run.attempt.scores.find((score) => score.scorer === scorer)?.pass;
      // A scorer that judged no run of the case (it has nothing to judge there) marks nothing.
      const judged = [...from.finished, ...to.finished].some((run) => verdict(run) !== undefined);
      return judged
        ? [requirement('scorer', scorer, from, to, marks, (run) => verdict(run) === true)]
        : [];
    }),
  ];
  const changed = shift.pValue < marks.alpha;
  return {
    ...base,
    status: requirements.some((item) => item.regression)
      ? 'regression'
      : changed
        ? 'changed'
        : 'same',
    shift,
    difference: compareToolCalls(mostTaken(from), mostTaken(to), { arguments: marks.arguments }),
    requirements,
  };
}

function requirement(
  kind: CanaryRequirement['kind'],
  name: string,
  from: SideRuns,
  to: SideRuns,
  marks: Marks,
  met: (run: SideRuns['finished'][number]) => boolean,
): CanaryRequirement {
  const fromMet = from.finished.filter(met).length;
  const toMet = to.finished.filter(met).length;
  const fromRuns = from.finished.length;
  const toRuns = to.finished.length;
  const pValue = fewerMetPValue(fromMet, fromRuns, toMet, toRuns);
  return {
    kind,
    name,
    fromMet,
    fromRuns,
    toMet,
    toRuns,
    pValue,
    regression: toMet / toRuns < fromMet / fromRuns && pValue < marks.requirementAlpha,
  };
}

/** The trajectory most runs of a side took (the first such run's calls). */
function mostTaken(side: SideRuns): TrajectoryCall[] {
  const counts = new Map<string, { count: number; calls: TrajectoryCall[] }>();
  for (const run of side.finished) {
    const key = trajectoryKey(run.calls);
    const entry = counts.get(key) ?? { count: 0, calls: run.calls };
    entry.count++;
    counts.set(key, entry);
  }
  let best: { count: number; calls: TrajectoryCall[] } | undefined;
  for (const entry of counts.values())
    if (best === undefined || entry.count > best.count) best = entry;
  return best?.calls ?? [];
}

function describeRuns(side: SideRuns, marks: Marks): CanaryModelRuns {
  const attempts = side.finished.map((run) => run.attempt);
  const trajectories = new Map<string, { calls: string; count: number }>();
  for (const run of side.finished) {
    const key = trajectoryKey(run.calls, { arguments: marks.arguments });
    const entry = trajectories.get(key) ?? { calls: names(run.calls), count: 0 };
    entry.count++;
    trajectories.set(key, entry);
  }
  const error = side.attempts.find((attempt) => attempt.error !== undefined)?.error;
  return {
    model: side.model,
    runs: side.finished.length,
    errors: side.attempts.length - side.finished.length,
    ...(error === undefined ? {} : { firstError: error.message }),
    trajectories: [...trajectories.values()].sort((a, b) => b.count - a.count),
    meanCostUsd: meanCost(attempts),
    meanLatencyMs: meanLatency(attempts),
    meanTokens: mean(attempts.map((attempt) => attempt.totalTokens)),
  };
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function meanCost(attempts: readonly EvalAttempt[]): number | null {
  if (attempts.some((attempt) => attempt.costUsd === null)) return null;
  return mean(attempts.map((attempt) => Number(attempt.costUsd)));
}

function meanLatency(attempts: readonly EvalAttempt[]): number {
  return mean(attempts.map((attempt) => attempt.latencyMs));
}

function delta(to: number | null, from: number | null): number | null {
  return to === null || from === null ? null : to - from;
}

// The keys of runCanary's options, each checked in checkOptions or by runEval: a misspelt gate
// (`mustpass`, `failonChange`) was dropped without a word, and the canary passed an upgrade it was
// written to fail (attack15; a suite file's `canary` keys are checked by defineEvalSuite).
const runCanaryKeys: DeclaredOptions<RunCanaryOptions> = defineOptions<RunCanaryOptions>({
  name: 'runCanary',
  example: "{ createAgent, cases, from: 'gemini-2.5-flash', to: 'gemini-3-flash-preview' }",
  checks: {
    cases: checkedWhereUsed,
    live: liveOption,
    concurrency: checkedWhereUsed,
    timeoutMs: checkedWhereUsed,
    streaming: checkedWhereUsed,
    onAttempt: checkedWhereUsed,
    now: checkedWhereUsed,
    telemetry: checkedWhereUsed,
    createAgent: checkedWhereUsed,
    from: checkedWhereUsed,
    to: checkedWhereUsed,
    scorers: checkedWhereUsed,
    k: checkedWhereUsed,
    alpha: checkedWhereUsed,
    requirementAlpha: checkedWhereUsed,
    // Checked in checkOptions; copied with the options (each name read once).
    mustCall: copiedOption(checkedWhereUsed),
    mustPass: copiedOption(checkedWhereUsed),
    failOnChange: checkedWhereUsed,
    arguments: checkedWhereUsed,
    // Checked by runEval, which each side runs with it.
    signal: checkedWhereUsed,
  },
});

function checkOptions(
  options: RunCanaryOptions,
  k: number,
  alpha: number,
  requirementAlpha: number,
  scorers: NonNullable<RunCanaryOptions['scorers']>,
): void {
  const fail = (argument: string, message: string): never => {
    throw new InvalidArgumentError({ argument, message: `runCanary: ${message}` });
  };
  for (const key of ['from', 'to'] as const) {
    const model = options[key];
    if (typeof model !== 'string' || model === '')
      fail(key, `${key} must be a model name such as 'gemini-2.5-flash'.`);
  }
  if (options.from === options.to)
    fail('to', `from and to are both '${options.from}': give the model to upgrade to as to.`);
  if (!Number.isInteger(k) || k < 2 || k > 100)
    fail('k', `k must be an integer from 2 to 100 (runs per case and model), got ${k}.`);
  for (const [name, level] of [
    ['alpha', alpha],
    ['requirementAlpha', requirementAlpha],
  ] as const) {
    if (!(level > 0 && level < 1))
      fail(
        name,
        `${name} must be a significance level between 0 and 1, such as 0.01; got ${level}.`,
      );
  }
  for (const [name, list] of [
    ['mustCall', options.mustCall],
    ['mustPass', options.mustPass],
  ] as const) {
    if (list !== undefined && !Array.isArray(list))
      fail(name, `${name} must be an array of names.`);
  }
  for (const tool of options.mustCall ?? []) {
    if (typeof tool !== 'string' || tool === '') fail('mustCall', 'mustCall must list tool names.');
  }
  const known = scorers.map((scorer) => scorer.name);
  for (const scorer of options.mustPass ?? []) {
    if (!known.includes(scorer)) {
      fail(
        'mustPass',
        `mustPass names the scorer '${scorer}', which is not among the scorers (${known.join(', ') || 'none'}): name one of them.`,
      );
    }
  }
  if (
    options.arguments !== undefined &&
    options.arguments !== 'exact' &&
    options.arguments !== 'ignore'
  )
    fail('arguments', `arguments must be 'exact' or 'ignore', got '${String(options.arguments)}'.`);
}
