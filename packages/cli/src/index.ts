// gemloop: the command-line tools, and their logic as functions.

export type { CliCommand, CliIo } from './cli-io.ts';
export { main } from './cli.ts';
export { createViewCommand } from './commands/view.ts';
export type { RunSummary } from './view/read-runs.ts';
export { readRunLines, readRunSummaries } from './view/read-runs.ts';
export type { ViewServer, ViewServerOptions } from './view/start-view-server.ts';
export { startViewServer } from './view/start-view-server.ts';
