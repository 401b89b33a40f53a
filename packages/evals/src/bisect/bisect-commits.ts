import { InvalidArgumentError } from '@gemloop/core';
import {
  arrayOption,
  checkOptionsCopy,
  copiedOption,
  type DeclaredOptions,
  defineOptions,
  functionOption,
  oneOfOption,
  required,
} from '@gemloop/core/internal';
import {
  compareToolCalls,
  type ToolCallComparison,
  type TrajectoryCall,
  trajectoryKey,
} from '../canary/compare-tool-calls.ts';

/** What a commit's evaluation found: each case's tool calls, and whether a model was asked. */
export type CommitTrajectories = {
  /** The tool calls of each case, by case id. */
  cases: Readonly<Record<string, readonly TrajectoryCall[]>>;
  /** A model was asked for at least one case (the commit changed what it is asked). */
  live: boolean;
};

/** One commit evaluated by {@link bisectCommits}. */
export type BisectStep = {
  commit: string;
  /** Its place in `commits` (0: the good one). */
  index: number;
  live: boolean;
  /** Some case's trajectory differs from the good commit's. */
  changed: boolean;
};

/** Where the trajectories first changed. */
export type BisectResult = {
  /** The first commit whose trajectories differ from the good one's; `undefined` if none does. */
  culprit: string | undefined;
  /** The commit before it (the last with the good commit's trajectories). */
  lastGood: string | undefined;
  /** Each case whose trajectory the culprit changed, and how (the good commit's against it). */
  changes: { caseId: string; difference: ToolCallComparison }[];
  /** The commits evaluated, in order. */
  steps: BisectStep[];
  /** Evaluations that asked a model (the rest replayed the recording, for nothing). */
  liveEvaluations: number;
  offlineEvaluations: number;
};

/**
 * Finds the first of `commits` (oldest first: the good commit, then each after it to the bad one)
 * whose cases' tool-call trajectories differ from the good commit's, by binary search: the good
 * and the bad commit, then about log2(n) more. Like `git bisect`, it assumes that once the
 * trajectories changed they stay changed; a change that comes and goes may be found at any of its
 * starts. `evaluate` runs the cases at a commit (`traceCase` on the agent checked out there);
 * each commit is evaluated at most once.
 * @throws {@link InvalidArgumentError} for fewer than two commits.
 */
export async function bisectCommits(given: {
  commits: readonly string[];
  evaluate: (commit: string) => Promise<CommitTrajectories>;
  arguments?: 'exact' | 'ignore' | undefined;
}): Promise<BisectResult> {
  // Each option read once (attack23): `arguments` was read at every comparison, so a getter
  // could compare one commit exactly and the next by names only; the list is copied too (a
  // copiedOption), as its length is checked and its elements read at each step.
  const options = checkOptionsCopy(bisectKeys, given);
  const { commits } = options;
  if (commits.length < 2) {
    throw new InvalidArgumentError({
      argument: 'commits',
      message: `bisectCommits needs the good commit and at least one after it, got ${commits.length}.`,
    });
  }
  const steps: BisectStep[] = [];
  const keyOf = (calls: readonly TrajectoryCall[]) =>
    trajectoryKey(calls, { arguments: options.arguments });
  // Own keys only: a case id is any string, and `cases['constructor']` of a commit without that
  // case would read Object's constructor, not "no calls".
  const callsOf = (found: CommitTrajectories, caseId: string): readonly TrajectoryCall[] =>
    Object.hasOwn(found.cases, caseId) ? (found.cases[caseId] ?? []) : [];
  const evaluated = new Map<number, CommitTrajectories>();
  const good = await options.evaluate(commits[0] as string);
  evaluated.set(0, good);
  steps.push({ commit: commits[0] as string, index: 0, live: good.live, changed: false });
  const changedAt = async (index: number): Promise<boolean> => {
    const commit = commits[index] as string;
    const found = await options.evaluate(commit);
    evaluated.set(index, found);
    const ids = new Set([...Object.keys(good.cases), ...Object.keys(found.cases)]);
    const changed = [...ids].some((id) => keyOf(callsOf(good, id)) !== keyOf(callsOf(found, id)));
    steps.push({ commit, index, live: found.live, changed });
    return changed;
  };
  let lo = 0;
  let hi = commits.length - 1;
  const result = (culprit: number | undefined): BisectResult => {
    const live = steps.filter((step) => step.live).length;
    const at = culprit === undefined ? undefined : evaluated.get(culprit);
    return {
      culprit: culprit === undefined ? undefined : commits[culprit],
      lastGood: culprit === undefined ? undefined : commits[culprit - 1],
      changes:
        at === undefined
          ? []
          : Object.keys({ ...good.cases, ...at.cases }).flatMap((caseId) => {
              const difference = compareToolCalls(callsOf(good, caseId), callsOf(at, caseId), {
                arguments: options.arguments,
              });
              return difference.same ? [] : [{ caseId, difference }];
            }),
      steps,
      liveEvaluations: live,
      offlineEvaluations: steps.length - live,
    };
  };
  if (!(await changedAt(hi))) return result(undefined);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await changedAt(mid)) hi = mid;
    else lo = mid;
  }
  return result(hi);
}

// The keys of bisectCommits' options: a misspelt `argument: 'ignore'` was dropped without a word,
// the arguments were compared exactly, and a commit that only reworded them was named the culprit
// (attack16).
const bisectKeys: DeclaredOptions<Parameters<typeof bisectCommits>[0]> = defineOptions({
  name: 'bisectCommits',
  example: '{ commits, evaluate }',
  checks: {
    commits: required(
      copiedOption(
        arrayOption({
          item: (commit) => typeof commit === 'string',
          message: 'commits must be an array of commits (strings), the good one first.',
        }),
      ),
    ),
    evaluate: required(functionOption()),
    // A value other than these compared the arguments exactly without a word.
    arguments: oneOfOption(['exact', 'ignore']),
  },
});
