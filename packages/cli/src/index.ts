// gemloop: the command-line tools, and their logic as functions.

export type { CliCommand, CliIo } from './cli-io.ts';
export { main } from './cli.ts';
export { formatProbeReport } from './probe/format-probe-report.ts';
export type {
  ProbeAuth,
  ProbePropertyId,
  ProbeRecord,
  ProbeReport,
  ProbeStatus,
  RunProbeOptions,
} from './probe/probe-types.ts';
export { PROBE_RATE_LIMIT_TEXT } from './probe/probe-errors.ts';
export { runProbe } from './probe/run-probe.ts';
export { createFakeCommand } from './commands/fake.ts';
export { createViewCommand } from './commands/view.ts';
export { CliFlagError } from './cli-flag-error.ts';
export type {
  ReadCounters,
  ReadRunsOptions,
  RunLines,
  RunListCache,
  RunSummary,
  RunViewCache,
  ViewLimits,
} from './view/read-runs.ts';
export {
  DEFAULT_VIEW_LIMITS,
  readRunLines,
  readRunSummaries,
  resolveViewLimits,
} from './view/read-runs.ts';
export type { ViewServer, ViewServerOptions } from './view/start-view-server.ts';
export { startViewServer } from './view/start-view-server.ts';
