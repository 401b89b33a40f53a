import { decideToolCall } from '../decide-tool-call.ts';
import type { ExecuteOutcome, ReadyToolCall } from '../execute-outcome.ts';
import type { PendingCall } from '../settle-tool-call.ts';
import { startToolCall } from '../start-tool-call.ts';
import { inCallContext, observeCall } from './observe-tool-call.ts';
import { throughPlugins, toolPathOf } from './plugin-tool-path.ts';
import { settleCall } from './settle-turn-call.ts';
import { callOptionsOf, type ToolTurn } from './tool-turn.ts';

/** A call that ended, with when: it may settle later (in call order) with its own time. */
type Ended = { outcome: ExecuteOutcome; at: number };

/**
 * `toolCallOrder: 'replayable'`: every decision first, one call at a time in call order; then
 * the cleared calls start in call order (at most `toolConcurrency` at once); every call is
 * settled in call order, each with the time it ended. Nothing here depends on which call ends
 * first, so an engine that numbers steps by the order they start (DBOS assigns a step's id
 * synchronously when it starts: `callStepFunction` in `@dbos-inc/dbos-sdk` 5.3,
 * `dist/src/dbos-executor.js`, "Intentionally advance the function ID before any awaits")
 * replays the turn onto the same steps.
 * @internal
 */
export async function runReplayable<Output>(toolTurn: ToolTurn<Output>): Promise<void> {
  const { config, pending, plugins } = toolTurn;
  const count = pending.length;
  const started: number[] = new Array(count);
  const decided = await decideInOrder(toolTurn, started);
  const ended: (Ended | undefined)[] = new Array(count);
  let settledUpTo = 0;
  // With the plugins' `afterToolCall` (the tool guardrails' `after` checks among them, each a
  // step of a durable run), the calls settle once all of them ended, each shown in call order: a
  // check's step then starts at the same place on a replay whichever call ended first.
  const settleLater = plugins?.hooks.afterToolCall !== undefined;
  const end = (index: number, outcome: ExecuteOutcome): void => {
    ended[index] = { outcome, at: config.now() };
    if (settleLater) return;
    for (let item = ended[settledUpTo]; item !== undefined; item = ended[settledUpTo]) {
      const pendingCall = pending[settledUpTo] as PendingCall;
      settleCall(toolTurn, pendingCall, item.outcome, started[settledUpTo] as number, item.at);
      ended[settledUpTo] = undefined;
      settledUpTo++;
    }
  };
  await startInOrder(toolTurn, decided, end);
  if (settleLater) await settleInOrder(toolTurn, ended as Ended[], started);
}

/** Every call's decision, one at a time in call order, each call observed from its decision. */
async function decideInOrder<Output>(
  toolTurn: ToolTurn<Output>,
  started: number[],
): Promise<(ExecuteOutcome | ReadyToolCall)[]> {
  const { config, pending, plugins, turn } = toolTurn;
  const decided: (ExecuteOutcome | ReadyToolCall)[] = new Array(pending.length);
  for (const pendingCall of pending) {
    const at = config.now();
    started[pendingCall.index] = at;
    observeCall(toolTurn, pendingCall, at);
    let decision = inCallContext(pendingCall, () =>
      !throughPlugins(plugins)
        ? decideToolCall(callOptionsOf(toolTurn, pendingCall))
        : toolPathOf(plugins).decide(callOptionsOf(toolTurn, pendingCall), plugins),
    );
    if (decision instanceof Promise) decision = await decision;
    decided[pendingCall.index] = decision;
    // A failing hook ends the turn here, as it does when settled: the calls after it are not
    // asked, the ones before it do not run (the turn's signal is aborted when they start).
    if (decision.type === 'hook-failed') turn?.abort(decision.error);
    // A trip (a tool guardrail's `throw`) ends the turn the same way.
    if (decision.type === 'guardrail-tripped')
      turn?.abort(new Error(`tool guardrail "${decision.trip.name}" tripped`));
  }
  return decided;
}

/** Starts the cleared calls in call order, at most `toolConcurrency` at once; `end` takes each. */
async function startInOrder<Output>(
  toolTurn: ToolTurn<Output>,
  decided: readonly (ExecuteOutcome | ReadyToolCall)[],
  end: (index: number, outcome: ExecuteOutcome) => void,
): Promise<void> {
  const { config, pending } = toolTurn;
  const count = pending.length;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const pendingCall = pending[index] as PendingCall;
      const decision = decided[index] as ExecuteOutcome | ReadyToolCall;
      if (decision.type !== 'ready') {
        end(index, decision);
        continue;
      }
      const outcome = inCallContext(pendingCall, () =>
        startToolCall(callOptionsOf(toolTurn, pendingCall), decision),
      );
      end(index, outcome instanceof Promise ? await outcome : outcome);
    }
  };
  const workers: Promise<void>[] = [];
  const limit = Math.min(config.toolConcurrency, count);
  for (let slot = 0; slot < limit; slot++) workers.push(worker());
  await Promise.all(workers);
}

/** Shown to the plugins in call order, once every call ended (see settleLater). */
async function settleInOrder<Output>(
  toolTurn: ToolTurn<Output>,
  ended: readonly Ended[],
  started: readonly number[],
): Promise<void> {
  const { pending, plugins } = toolTurn;
  for (let index = 0; index < pending.length; index++) {
    const pendingCall = pending[index] as PendingCall;
    const item = ended[index] as Ended;
    let outcome = item.outcome;
    if (plugins?.hooks.afterToolCall !== undefined)
      outcome = await toolPathOf(plugins).afterCall(
        callOptionsOf(toolTurn, pendingCall),
        plugins,
        outcome,
      );
    settleCall(toolTurn, pendingCall, outcome, started[index] as number, item.at);
  }
}
