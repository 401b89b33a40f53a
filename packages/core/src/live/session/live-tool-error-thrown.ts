import { ToolExecutionError } from '../../agent/errors/tool-execution-error.ts';
import { ToolInputError } from '../../agent/errors/tool-input-error.ts';
import { ToolTimeoutError } from '../../agent/errors/tool-timeout-error.ts';
import { UnknownToolError } from '../../agent/errors/unknown-tool-error.ts';
import { delegatedFailureOf } from '../../agent/tool-calls/delegated-result.ts';
import { emptyUsage } from '../../agent/usage.ts';
import type { GemloopError } from '../../errors/gemloop-error.ts';
import { zeroCost } from '../../models/cost.ts';
import type { LiveCallOutcome } from './live-tool-call.ts';

/**
 * The typed error a live session ends with for a failed call under the agent's
 * `toolErrors: 'throw'`, as a run ends with it (agent/tool-calls/settle-tool-call.ts
 * `throwableError`): `UnknownToolError`, `ToolInputError`, `ToolTimeoutError` or
 * `ToolExecutionError`, once the call is answered (the server waits on it). A denial never. Its
 * `run` is empty: the conversation is the server's. `args` and `message` come redacted; the
 * cause is what the tool threw (a subagent's own error). Before, the option was not read: the
 * session told the model and went on (attack57).
 * @internal
 */
export function liveToolErrorThrown(
  call: { id: string; name: string },
  outcome: Extract<LiveCallOutcome, { type: 'failed' }>,
  {
    args,
    message,
    availableTools,
  }: { args: Record<string, unknown>; message: string; availableTools: string[] },
): GemloopError | undefined {
  const fields = {
    toolName: call.name,
    toolCallId: call.id,
    args,
    message: `${message} (toolErrors: 'throw'; the call was answered and the live session ended)`,
    run: { contents: [], newContents: [], steps: [], usage: emptyUsage(), cost: zeroCost() },
  };
  switch (outcome.outcome) {
    case 'unknown-tool':
      return new UnknownToolError({ ...fields, availableTools });
    case 'invalid-args':
      return new ToolInputError({ ...fields, issues: outcome.issues ?? [] });
    case 'error':
      if (outcome.timeoutMs !== undefined)
        return new ToolTimeoutError({ ...fields, timeoutMs: outcome.timeoutMs });
      return new ToolExecutionError({
        ...fields,
        cause: delegatedFailureOf(outcome.cause)?.cause ?? outcome.cause,
      });
    default:
      return undefined;
  }
}
