import {
  type DeclaredOptions,
  defineOptions,
  functionOption,
  integerOption,
} from '../options/define-options.ts';
import type { SteeringMessage } from '../run/steering-controller.ts';

/**
 * The most steering messages that may wait for the next step boundary (steers and queued
 * messages together). A caller typing faster than the model answers is a person; hundreds
 * waiting is a bug feeding the run, refused with a `SteeringError` rather than grown without end.
 */
export const DEFAULT_MAX_PENDING_STEERS = 32;

/**
 * The largest steering message, in bytes of its JSON (UTF-8): 20,000,000, Google's rule for a
 * whole request ("use the File API when the total request size ... is larger than 20 MB",
 * `DEFAULT_INLINE_LIMIT_BYTES`). A bigger message would join the history and fail every model
 * call after it, so it is refused when given, where the caller can send a file reference instead.
 */
export const DEFAULT_MAX_STEER_BYTES = 20_000_000;

/**
 * The defaults of {@link SteeringOptions} and of a {@link ReceivedSteer}, declared once (a test
 * holds their TSDoc `@defaultValue`s to them). @internal
 */
export const STEERING_DEFAULTS: { readonly maxPending: number; readonly maxMessageBytes: number } =
  {
    maxPending: DEFAULT_MAX_PENDING_STEERS,
    maxMessageBytes: DEFAULT_MAX_STEER_BYTES,
  };
/** See {@link STEERING_DEFAULTS}. @internal */
export const RECEIVED_STEER_DEFAULTS: { readonly mode: 'steer' | 'queue' } = { mode: 'steer' };

export type { SteeringMessage } from '../run/steering-controller.ts';

/**
 * A message received from elsewhere at a step boundary (see {@link SteeringOptions.receive}):
 * `steer` joins the history at that boundary, `queue` after the current answer.
 */
export type ReceivedSteer = {
  message: SteeringMessage;
  /** @defaultValue `'steer'` */
  mode?: 'steer' | 'queue' | undefined;
};

/** The options of `createSteering()`. */
export type SteeringOptions = {
  /**
   * The most messages that may wait for the next step boundary; one more is refused with a
   * `SteeringError` (`reason: 'too-many-pending'`).
   * @defaultValue 32 ({@link DEFAULT_MAX_PENDING_STEERS})
   */
  maxPending?: number | undefined;
  /**
   * The largest message `steer()` or `queue()` takes, in bytes of its JSON (UTF-8: a text's
   * characters, an inline image's base64); a bigger one is refused with a `SteeringError`
   * (`reason: 'too-large'`). A message `receive` brings that is bigger is skipped, as a malformed
   * one is.
   * @defaultValue 20000000 ({@link DEFAULT_MAX_STEER_BYTES})
   */
  maxMessageBytes?: number | undefined;
  /**
   * Asked at every step boundary of the run it steers, before the pending messages are taken:
   * messages that arrived from elsewhere (another process). `@gemloop/dbos` uses it to read the
   * run's DBOS messages, so a replay receives the same messages at the same boundary. Past
   * `maxPending`, the extra messages are dropped and reported as `steer` events with
   * `status: 'dropped'`. One that throws ends the run with an `AgentRunError` whose `run` holds
   * the history so far (an error the agent's `isRunEndingError` accepts ends it as it is).
   * @defaultValue none
   */
  receive?: (() => readonly ReceivedSteer[] | Promise<readonly ReceivedSteer[]>) | undefined;
};

/** The check of {@link SteeringOptions}. @internal */
export const steeringOptionsDeclaration: DeclaredOptions<SteeringOptions> =
  defineOptions<SteeringOptions>({
    name: 'createSteering()',
    example: '{ maxPending?: 32, maxMessageBytes?: 20000000, receive? }',
    checks: {
      maxPending: integerOption({ min: 1, max: 10_000 }),
      // Google's own API takes requests of up to 100 MB (file-part.ts); nothing bigger is sent.
      maxMessageBytes: integerOption({ min: 1, max: 100_000_000 }),
      receive: functionOption(),
    },
  });
