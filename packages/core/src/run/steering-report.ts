import type { Content } from '../wire/content.ts';

/**
 * How a steering message is used: `steer` joins the history at the run's next step boundary,
 * `queue` once the model has answered (the run then goes on with it as a follow-up turn).
 */
export type SteeringMode = 'steer' | 'queue';

/**
 * What happened to a steering message: `received` (it waits for a boundary), `applied` (it is
 * in the history, sent with step `stepNumber`), `dropped` (the run ended without it: aborted,
 * failed, or stopped by a limit; or more arrived from `receive` than `maxPending`).
 */
export type SteeringStatus = 'received' | 'applied' | 'dropped';

/**
 * A steering message, as events, spans and the recorder report it. Lives in `run/` because the
 * agent, telemetry and the recorder all read it.
 */
export type SteeringReport = {
  status: SteeringStatus;
  mode: SteeringMode;
  /** The user content it is (or would have been) in the history. */
  content: Content;
  /** `applied`: the step whose request first carries it; otherwise the step under way. */
  stepNumber: number;
};
