import {
  arrayOption,
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
  nestedOption,
} from '@gemloop/core/internal';
import type { EvalCase } from './eval-case.ts';
import type { RunEvalOptions } from './run-eval-options.ts';
import type { Scorer } from './scorer.ts';

/**
 * What `gemloop eval <file>` runs: the default export of a module. `cases` is a list, or the path
 * of a JSONL dataset (relative to the module's folder).
 */
export type EvalSuite = {
  /** Names the eval run in its results. @defaultValue the file's name */
  name?: string | undefined;
  createAgent: NonNullable<RunEvalOptions['createAgent']>;
  /**
   * The agent as a Batch API job runs it (`gemloop eval --batch`, `runEval({ mode: 'batch' })`):
   * model, instructions, tools, as `createBatchRuns` of `@gemloop/core/batch` takes them.
   */
  batch?: RunEvalOptions['batch'];
  cases: readonly EvalCase[] | string;
  scorers: readonly Scorer[];
  /** The pass rate under which `gemloop eval` exits 1, unless `--min-pass` is given. */
  minPass?: number | undefined;
  /** Per-scorer gates: a scorer's pass rate under its value fails the run. */
  minPassByScorer?: Readonly<Record<string, number>> | undefined;
  /**
   * The regressions `gemloop eval canary` fails on (`runCanary`'s marks): tools the agent must
   * call, scorers that must pass. The command's `--must-call` and `--must-pass` add to them.
   */
  canary?:
    | { mustCall?: readonly string[] | undefined; mustPass?: readonly string[] | undefined }
    | undefined;
  timeoutMs?: number | undefined;
  streaming?: boolean | undefined;
};

type CanaryMarks = NonNullable<EvalSuite['canary']>;

const names = arrayOption({
  item: (value) => typeof value === 'string',
  message: (path) => `${path} must be a list of names (strings).`,
});

// The keys a suite may hold, each checked where it is read (runEval, gateFailures, runCanary):
// a misspelt one (`minPassByScorers`, `canary: { mustcall }`) dropped a gate without a word, and
// `gemloop eval` passed a run that gate was written to fail (attack13).
const suiteKeys: DeclaredOptions<EvalSuite> = defineOptions<EvalSuite>({
  name: 'defineEvalSuite',
  path: 'suite',
  example: '{ createAgent, cases, scorers }',
  checks: {
    name: checkedWhereUsed,
    createAgent: checkedWhereUsed,
    batch: checkedWhereUsed,
    cases: checkedWhereUsed,
    scorers: checkedWhereUsed,
    minPass: checkedWhereUsed,
    minPassByScorer: checkedWhereUsed,
    canary: nestedOption(
      defineOptions<CanaryMarks>({
        name: 'canary',
        example: "{ mustCall: ['get_weather'], mustPass: ['exact'] }",
        checks: { mustCall: names, mustPass: names },
      }) as DeclaredOptions<unknown>,
    ),
    timeoutMs: checkedWhereUsed,
    streaming: checkedWhereUsed,
  },
});

/**
 * Types an eval suite (for the editor's help) and checks its keys: a misspelt one
 * (`minPassByScorers`, `canary: { mustcall }`) is an `InvalidArgumentError` naming the key meant,
 * not a gate dropped without a word. `gemloop eval` checks a suite file's default export the same
 * way, made with this or not.
 */
export function defineEvalSuite(suite: EvalSuite): EvalSuite {
  suiteKeys.check(suite);
  return suite;
}
