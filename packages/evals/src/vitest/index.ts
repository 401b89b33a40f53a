// @gemloop/evals/vitest: an eval suite as vitest tests, a gate in the project's own test run.
// vitest is an optional peer dependency; only this subpath loads it.

export type { EvalTestsOptions } from './define-eval-tests.ts';
export { defineEvalTests } from './define-eval-tests.ts';
