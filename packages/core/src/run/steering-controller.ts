import type { Part } from '../wire/content.ts';

// The public face of a steering controller, below the agent (its run options name it) and the
// steering folder (which makes controllers and the plugin behind them).

/** A steering message: a text, or the parts of a user content (text, images, files). */
export type SteeringMessage = string | readonly Part[];

/**
 * Talks to a running agent: pass it as `run(input, { steering })` (or `stream`), then call
 * `steer()` while the run works. One controller steers one run at a time and may be reused for
 * the next run; messages given while no run uses it wait for the next one.
 */
export type Steering = {
  /**
   * Adds a user message at the run's next step boundary: before its next model call, after the
   * function responses when the model's turn made calls (never between a call and its
   * response). A steer that arrives while the model gives its final answer makes the run go on:
   * the answer stays in the history and the model answers the steer.
   * @throws {@link SteeringError} `too-many-pending` past `maxPending`, `empty-message`,
   *   `invalid-message` (parts the API refuses in a user turn).
   */
  steer(message: SteeringMessage): void;
  /**
   * Adds a user message for after the current answer: when the model answers without calls, the
   * run goes on with this message as a follow-up turn (same run, same result).
   * @throws {@link SteeringError} as `steer()` does.
   */
  queue(message: SteeringMessage): void;
  /**
   * Sends `value` to the run's plugins on `topic`: a plugin of the run takes it with
   * `run.receive(topic)` at a step boundary (see `PluginRun.receive` in `@gemloop/core/plugins`).
   * It waits there until then (for the controller's next run when none uses it now). Resolves
   * once the message waits.
   * @throws `RunMessageError` (rejects) for a topic that is not 1 to 100 letters, digits, `.`,
   *   `_` or `-`, a value that is not plain JSON data or is over 256 KB of it, 32 messages
   *   already waiting on the topic, or a one-run controller whose run is over.
   */
  send(topic: string, value: unknown): Promise<void>;
  /** How many messages wait (steers and queued). */
  readonly pending: number;
};
