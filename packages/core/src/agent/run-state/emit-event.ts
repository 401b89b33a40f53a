import type { RunObservation } from '../../telemetry/run-observer.ts';
import type { AgentEvent, AgentPath, UntaggedAgentEvent } from '../agent-event.ts';

/**
 * Receives events; `undefined` when nobody listens (`run()` without observers), so none are
 * built. The receiver stamps the event's `path`. It returns a promise when its backlog is full (a
 * subagent's events waiting for a slow reader of the top stream): a producer that can wait (the
 * streamed model call, between chunks) awaits it, which stops reading the response until the
 * reader catches up.
 * @internal
 */
export type EmitEvent = ((event: UntaggedAgentEvent<unknown>) => void | Promise<void>) | undefined;

/**
 * The emitter of a run its observers follow: each event the run makes reaches
 * `RunObservation.event` once, stamped with the run's `path` and the time, then goes on to `emit`
 * (the stream, or a parent's; `undefined` in a unary run, whose observers get the same events).
 * Returns `emit` itself when no observer reads events, so an unobserved run calls none of this:
 * the one place the run's facts (guardrail checks, steers, compactions, handoffs, hops, plugins'
 * reports) reach telemetry and the recorder.
 * @internal
 */
export function observedEmit(
  emit: EmitEvent,
  observation: RunObservation | undefined,
  path: AgentPath | undefined,
  now: () => number,
): EmitEvent {
  const see = observation?.event;
  if (see === undefined) return emit;
  return (event) => {
    const tagged = event as { path?: AgentPath };
    // The stream stamps the same path on the top run's events (none) and a parent's emitter on
    // a subagent's: stamped first here, the observers see the path the stream's reader will.
    if (tagged.path === undefined) tagged.path = path ?? TOP;
    see(event as AgentEvent<unknown>, now());
    return emit?.(event);
  };
}

/** The path of a top run's events (see `AgentPath`). */
const TOP: AgentPath = Object.freeze([]);
