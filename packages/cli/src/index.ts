// gemloop (the CLI package): the commands, for programs and tests that run them in-process.

export type { CliCommand, CliIo } from './cli-command.ts';
export { commands, runCli } from './run-cli.ts';
export type { RunSummary } from './view/read-runs.ts';
export { readRunLines, readRunSummaries } from './view/read-runs.ts';
export type { ViewServer, ViewServerOptions } from './view/start-view-server.ts';
export { startViewServer } from './view/start-view-server.ts';
