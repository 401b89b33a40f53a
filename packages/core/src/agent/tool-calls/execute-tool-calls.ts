// A model turn's function calls, by phase (turn/): collected with the signal they run under
// (tool-turn.ts), observed (observe-tool-call.ts: events, spans), scheduled (run-turn-calls.ts,
// run-replayable.ts), decided (decide-tool-call.ts; with plugins, plugin-tool-call.ts), settled
// (settle-turn-call.ts, settle-tool-call.ts) and answered (tool-calls-result.ts).
import { emitToolCalls } from './turn/observe-tool-call.ts';
import { runTurnCalls } from './turn/run-turn-calls.ts';
import { type ToolCallsResult, toolCallsResult } from './turn/tool-calls-result.ts';
import { type ExecuteToolCallsOptions, startToolTurn, type ToolTurn } from './turn/tool-turn.ts';

export type { ExecuteToolCallsOptions, ToolCallsResult };

/**
 * Runs every function call of a model turn, concurrently up to `toolConcurrency`, and answers
 * each: results, and errors the model can act on (bad arguments with their paths, an unknown
 * function with the list of available ones, a throw, a timeout, a denial). Always answers every
 * call, even when aborted (calls that did not finish get an `{ error }` saying so), so the history
 * never holds a call without its response; the caller appends `responseContent` and then throws
 * if `failure` or `aborted` say so. The result itself, not a promise, when every call settled at
 * once (the caller awaits only a promise).
 * @internal
 */
export function executeToolCalls<Output>(
  options: ExecuteToolCallsOptions<Output>,
): ToolCallsResult | Promise<ToolCallsResult> {
  // A throw here throws through runTools, its one caller, into the loop's async function.
  const toolTurn = startToolTurn(options);
  emitToolCalls(toolTurn);
  const running = runTurnCalls(toolTurn);
  // A turn whose calls all settled at once is answered at once: no promise (see runTurnCalls).
  return running === undefined ? endToolTurn(toolTurn) : running.then(() => endToolTurn(toolTurn));
}

/** The turn's answers, once every call settled; the turn no longer follows the run's signal. */
function endToolTurn<Output>(toolTurn: ToolTurn<Output>): ToolCallsResult {
  toolTurn.unfollow?.();
  return toolCallsResult(toolTurn);
}
