/**
 * The events of a run (what `agent.stream()` yields), declared in `run/agent-event.ts`: below
 * `telemetry/`, whose observers read the same events (`RunObservation.event`). The agent's files
 * and its public index take them from here.
 */
export type * from '../run/agent-event.ts';
