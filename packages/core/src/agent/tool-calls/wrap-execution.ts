import type { ToolExecution } from '../plugins/agent-plugin.ts';
import type { ToolStepReports } from '../plugins/hook-chains/tool-step-reports.ts';
import type { RunPlugins } from '../plugins/run-plugins.ts';
import type { ExecuteOutcome, RunToolCallOptions } from './execute-outcome.ts';
import { hookFailed } from './hook-failed.ts';
import { rawArgsOf } from './raw-args.ts';

/**
 * A call's `execute` through the plugins' `wrapToolCall`. A wrapper that throws (or returns what
 * is not an execution) makes a `hook-failed` outcome with its `PluginError`. `reports`: the
 * call's in-step reports, in a run with a recorder (see `ToolHooks.toolStepReports`). @internal
 */
export function wrapExecution<Output>(
  options: RunToolCallOptions<Output>,
  plugins: RunPlugins,
  args: unknown,
  execute: () => ExecuteOutcome | Promise<ExecuteOutcome>,
  reports?: ToolStepReports,
): Promise<ExecuteOutcome> {
  return plugins
    .wrapToolCall(
      {
        toolName: options.call.name,
        toolCallId: options.toolCallId,
        stepNumber: options.stepNumber,
        callIndex: options.callIndex,
        args: rawArgsOf(options.call),
        input: args,
      },
      () => Promise.resolve(execute()).then(toExecution),
      reports,
    )
    .then(
      (execution): ExecuteOutcome => ({ ...execution, args }) as ExecuteOutcome,
      (error: unknown): ExecuteOutcome => hookFailed(error, args),
    );
}

function toExecution(outcome: ExecuteOutcome): ToolExecution {
  const { args: _args, ...execution } = outcome;
  return execution as ToolExecution;
}
