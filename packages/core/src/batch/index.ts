// @gemloop/core/batch: many independent agent runs in batch mode (the Batch API at half price):
// each round of every run is one batch line, the tools run between rounds, and the whole job is a
// JSON state to save and resume. The Batch and Files APIs themselves are `gemini.batches` and
// `gemini.files` (types in @gemloop/core/http).

export type {
  BatchRunJobFailure,
  BatchRunState,
  BatchRuns,
  BatchRunsOptions,
  BatchRunsRetryOptions,
  BatchRunsState,
  BatchRunsStepOptions,
} from './batch-runs.ts';
export { createBatchRuns } from './create-batch-runs.ts';
