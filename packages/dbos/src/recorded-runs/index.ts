// @gemloop/dbos/recorded-runs: a durable fleet's runs read back as recorded runs (core's
// recorder format), for evals (`gemloop eval from-runs --database-url`) and other readers.

export type { DurableRecordedRun, ReadRecordedRunsOptions } from './read-recorded-runs.ts';
export {
  DEFAULT_RECORDED_RUNS_LIMIT,
  MAX_EVENT_ENTRIES_READ,
  MAX_RECORDED_RUNS,
  readRecordedRuns,
} from './read-recorded-runs.ts';
