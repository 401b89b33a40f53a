// The scheduling of a turn's calls: one at once, up to `toolConcurrency` at once as they come,
// or the replayable order (run-replayable.ts).
import type { RunPlugins } from '../../plugins/run-plugins.ts';
import type { ExecuteOutcome } from '../execute-outcome.ts';
import { runToolCall } from '../run-tool-call.ts';
import type { PendingCall } from '../settle-tool-call.ts';
import { inCallContext, observeCall } from './observe-tool-call.ts';
import { throughPlugins, toolPathOf } from './plugin-tool-path.ts';
import { runReplayable } from './run-replayable.ts';
import { settleCall } from './settle-turn-call.ts';
import { callOptionsOf, type ToolTurn } from './tool-turn.ts';

/**
 * Runs and settles every call of the turn, in the order `toolCallOrder` asks for; a promise only
 * when a call had something to wait for (a turn of one call that settled at once has none to
 * await: one promise fewer a tool step, and none in executeToolCalls). @internal
 */
export function runTurnCalls<Output>(toolTurn: ToolTurn<Output>): Promise<unknown> | undefined {
  const { config, pending } = toolTurn;
  if (config.toolCallOrder === 'replayable' && pending.length > 1) return runReplayable(toolTurn);
  // One call (the usual turn): no workers to start and join.
  if (pending.length === 1) return runOne(toolTurn, pending[0] as PendingCall);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pending.length) {
      const running = runOne(toolTurn, pending[next++] as PendingCall);
      if (running !== undefined) await running;
    }
  };
  const workers: Promise<void>[] = [];
  const limit = Math.min(config.toolConcurrency, pending.length);
  for (let count = 0; count < limit; count++) workers.push(worker());
  return Promise.all(workers);
}

/** Runs one call; a promise only when the call had something to wait for. */
function runOne<Output>(
  toolTurn: ToolTurn<Output>,
  pendingCall: PendingCall,
): Promise<void> | undefined {
  const { config, observation, plugins } = toolTurn;
  if (throughPlugins(plugins)) return runWithPlugins(toolTurn, pendingCall, plugins);
  const started = config.now();
  const callOptions = callOptionsOf(toolTurn, pendingCall);
  let outcome: ReturnType<typeof runToolCall>;
  if (observation === undefined) outcome = runToolCall(callOptions);
  else {
    observeCall(toolTurn, pendingCall, started);
    outcome = inCallContext(pendingCall, () => runToolCall(callOptions));
  }
  if (outcome instanceof Promise) {
    return outcome.then((settled) => settleCall(toolTurn, pendingCall, settled, started));
  }
  settleCall(toolTurn, pendingCall, outcome, started);
  return undefined;
}

/**
 * One call of a run with plugins: their decision, the call, their look at its result; a promise
 * only when one of them made one (synchronous hooks settle the call as a call without plugins
 * does).
 */
function runWithPlugins<Output>(
  toolTurn: ToolTurn<Output>,
  pendingCall: PendingCall,
  runPlugins: RunPlugins,
): Promise<void> | undefined {
  const started = toolTurn.config.now();
  observeCall(toolTurn, pendingCall, started);
  const callOptions = callOptionsOf(toolTurn, pendingCall);
  const { runCall, afterCall } = toolPathOf(runPlugins);
  const settle = (outcome: ExecuteOutcome): undefined => {
    settleCall(toolTurn, pendingCall, outcome, started);
    return undefined;
  };
  // The plugins' look at the result and the settling run in the call's own promise, if any.
  return inCallContext(pendingCall, () =>
    runCall(callOptions, runPlugins, (outcome) =>
      afterCall(callOptions, runPlugins, outcome, settle),
    ),
  );
}
