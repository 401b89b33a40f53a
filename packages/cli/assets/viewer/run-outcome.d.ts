/**
 * How a run ended, for its header, its row and its closing block (run-outcome.js, the page's
 * module; typed here for summarize-run.test.ts, which checks the page and the list agree).
 */
export declare function runOutcome(run: { end?: unknown; notes: readonly { by?: string }[] }): {
  kind: 'success' | 'error' | 'aborted' | 'running' | 'unknown';
  label: string;
  detail?: string | undefined;
};

/** Whether a recorded error is a run's abort. */
export declare function isAbort(error: unknown): boolean;
