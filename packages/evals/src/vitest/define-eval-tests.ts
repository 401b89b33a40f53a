import { isAbsolute, resolve } from 'node:path';
import type { EvalCase } from '../eval-case.ts';
import { EvalDatasetError } from '../eval-dataset-error.ts';
import type { EvalAttempt } from '../eval-result.ts';
import type { EvalSuite } from '../eval-suite.ts';
import { loadEvalCases } from '../load-eval-cases.ts';
import { toEvalCase } from '../parse-eval-cases.ts';
import { GATE_DEFAULTS, gateFailures } from '../report/gate-failures.ts';
import { summarizeAttempts } from '../report/summarize-attempts.ts';
import { RUN_EVAL_DEFAULTS, runEval } from '../run-eval.ts';
import type { RunEvalOptions } from '../run-eval-options.ts';
import { caseTestName, describeAttempt } from './describe-attempt.ts';

/** Options of {@link defineEvalTests}. */
export type EvalTestsOptions = {
  /**
   * The folder a relative `cases` path is read from: the suite module's (`import.meta.dirname` in
   * it), as `gemloop eval` reads it. Needed when the suite's `cases` is a relative path.
   */
  dir?: string | undefined;
  /**
   * `replay` (each case's recorded turns through the fake; a changed request fails it as drift)
   * or `live` (the model, with `live`). @defaultValue `'replay'`
   */
  mode?: 'replay' | 'live' | undefined;
  /** The live client (`live` mode), as `runEval` takes it. */
  live?: RunEvalOptions['live'];
  /** The pass rate (0 to 1) the gate test holds the run to. @defaultValue the suite's `minPass`, else 1 */
  minPass?: number | undefined;
  /** Attempts per case. @defaultValue 1 */
  repeats?: number | undefined;
  /** The describe block's name. @defaultValue the suite's `name`, else `'eval'` */
  name?: string | undefined;
};

/** The most one attempt takes by default, as `runEval`'s `timeoutMs`. */
const ATTEMPT_LIMIT_MS = 120_000;

/**
 * Runs an eval suite as vitest tests, a gate in the project's own test run: one test per case
 * (named by its id; `vitest -t <id>` runs one) that fails when the case fails, drifts or errors,
 * with each score's reason in the message, and a last test, `pass rate meets the gate`, that
 * fails when the run is under the suite's `minPass` or a `minPassByScorer` gate, as `gemloop
 * eval` exits 1. Where the suite's gate allows failures (`minPass` under 1), a failing case is
 * reported as an annotation on its test, and the gate test decides.
 *
 * vitest is an optional peer dependency: this subpath loads it, the rest of @gemloop/evals does
 * not. Await it at the top of a test file:
 *
 * @example
 * ```ts
 * // agent.eval.test.ts
 * import { defineEvalTests } from '@gemloop/evals/vitest';
 * import suite from './agent.eval.ts';
 *
 * await defineEvalTests(suite, { dir: import.meta.dirname });
 * ```
 *
 * @throws {@link EvalDatasetError} when the dataset cannot be read, or `cases` is a relative path
 *   and `dir` is not given.
 */
export async function defineEvalTests(
  suite: EvalSuite,
  options: EvalTestsOptions = {},
): Promise<void> {
  // Loaded here, not imported at the top: a project without vitest can still import the module
  // (and a bundler can still see the rest of the package without it).
  const { describe, it } = await import('vitest');
  const cases = await suiteCases(suite, options.dir);
  const attempts: EvalAttempt[] = [];
  const minPass = options.minPass ?? suite.minPass ?? GATE_DEFAULTS.minPass;
  const repeats = options.repeats ?? RUN_EVAL_DEFAULTS.repeats;
  const name = options.name ?? suite.name ?? RUN_EVAL_DEFAULTS.name;
  // A hang guard above the runner's own limit on each attempt, never a speed judgement.
  const caseTimeout = (suite.timeoutMs ?? ATTEMPT_LIMIT_MS) * repeats + 60_000;
  describe(name, () => {
    for (const evalCase of cases) {
      it(
        caseTestName(evalCase.id),
        async (context) => {
          const result = await runEval({
            name,
            createAgent: suite.createAgent,
            cases: [evalCase],
            scorers: suite.scorers,
            mode: options.mode,
            live: options.live,
            repeats,
            timeoutMs: suite.timeoutMs,
            streaming: suite.streaming,
          });
          attempts.push(...result.attempts);
          const failed = result.attempts.filter((attempt) => attempt.status !== 'pass');
          if (failed.length === 0) return;
          const message = failed.map(describeAttempt).join('\n');
          if (minPass < 1) {
            await context.annotate(
              `${message}\n(allowed by the gate: minPass ${minPass})`,
              'warning',
            );
            return;
          }
          throw new Error(message);
        },
        caseTimeout,
      );
    }
    it('pass rate meets the gate', (context) => {
      // Only the cases that ran (a `-t` filter runs some) are judged.
      if (attempts.length === 0) return context.skip('no case ran');
      const failures = gateFailures(summarizeAttempts(attempts), {
        minPass,
        minPassByScorer: suite.minPassByScorer,
      });
      if (failures.length > 0) throw new Error(failures.join('; '));
    });
  });
}

async function suiteCases(suite: EvalSuite, dir: string | undefined): Promise<EvalCase[]> {
  if (typeof suite.cases !== 'string') return suite.cases.map((item) => toEvalCase(item));
  if (!isAbsolute(suite.cases) && dir === undefined) {
    throw new EvalDatasetError({
      source: suite.cases,
      problem:
        "a relative dataset path, and defineEvalTests was given no folder to read it from: pass { dir: import.meta.dirname } of the suite's module, or an absolute path.",
    });
  }
  return loadEvalCases(resolve(dir ?? '', suite.cases));
}
