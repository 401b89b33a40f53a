import type { Content } from '../wire/content.ts';

/**
 * How a steering message is used: `steer` joins the history at the run's next step boundary,
 * `queue` once the model has answered (the run then goes on with it as a follow-up turn).
 */
export type SteeringMode = 'steer' | 'queue';

/**
 * What happened to a steering message: `received` (it waits for a boundary), `applied` (it is
 * in the history, sent with step `stepNumber`), `dropped` (the run ended without it: see
 * {@link SteeringDropReason}).
 */
export type SteeringStatus = 'received' | 'applied' | 'dropped';

/**
 * Why a steering message was dropped:
 *
 * - `run-ended`: the run finished before the message's boundary (the answer came with no step
 *   left, `maxSteps`, a `stopWhen` condition, a blocked or cut answer); send it as a new run or
 *   chat message, or raise `maxSteps`;
 * - `aborted`: the run's signal fired;
 * - `failed`: the run threw (an API failure, a tool error with `toolErrors: 'throw'`, ...);
 * - `guardrail`: an input guardrail blocked it, or a message before it in the same boundary;
 * - `too-many-pending`: `receive()` brought more messages than `maxPending` allows.
 */
export type SteeringDropReason =
  | 'run-ended'
  | 'aborted'
  | 'failed'
  | 'guardrail'
  | 'too-many-pending';

/**
 * A steering message, as events, spans, the recorder and the run's result report it. Lives in
 * `run/` because the agent, telemetry and the recorder all read it.
 */
export type SteeringReport = {
  status: SteeringStatus;
  mode: SteeringMode;
  /** The user content it is (or would have been) in the history. */
  content: Content;
  /** `applied`: the step whose request first carries it; otherwise the step under way. */
  stepNumber: number;
  /** `dropped`: why the run did not send it. */
  reason?: SteeringDropReason | undefined;
};
