import type { ReadRecordedRuns } from '../../eval/load-recorded-runs.ts';

/** What tests replace in the `eval` command. */
export type EvalCommandOptions = {
  /** Loads `readRecordedRuns` of @gemloop/dbos. @defaultValue from beside gemloop, else from `cwd` */
  loadRecordedRuns?: ((cwd: string) => Promise<ReadRecordedRuns | undefined>) | undefined;
  /** The clock `--since 7d` counts back from. @defaultValue `Date.now` */
  now?: (() => number) | undefined;
  /**
   * Calls `stop` on the user's interrupt while an eval or a canary runs; returns what stops
   * listening. @defaultValue the first SIGINT or SIGTERM of the process
   */
  onInterrupt?: ((stop: () => void) => () => void) | undefined;
};
