// @gemloop/core/steering: talking to a running agent (steer at the next step boundary, queue
// for after the answer), for unary runs, streams and chat sessions.

export { SteeringError, type SteeringErrorReason } from '../errors/steering-error.ts';
export type {
  SteeringDropReason,
  SteeringMode,
  SteeringReport,
  SteeringStatus,
} from '../run/steering-report.ts';
export { createSteering, type Steering } from './create-steering.ts';
export {
  DEFAULT_MAX_PENDING_STEERS,
  DEFAULT_MAX_STEER_BYTES,
  type ReceivedSteer,
  type SteeringMessage,
  type SteeringOptions,
} from './steering-options.ts';
export { STEERING_TOPIC } from './steering-plugin.ts';
