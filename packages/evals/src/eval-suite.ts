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

/** Types an eval suite (the identity function, for the editor's help). */
export function defineEvalSuite(suite: EvalSuite): EvalSuite {
  return suite;
}
