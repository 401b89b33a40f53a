import { isThenable } from '../../agent/plugins/hook-chains/tool-hook-results.ts';
import type { Logger } from '../../logging/logger.ts';
import type { LiveEvent } from '../live-event.ts';
import type { LiveEventQueue } from '../live-event-queue.ts';
import { LiveSessionError } from '../live-session-error.ts';
import type { LiveTelemetry } from '../live-telemetry.ts';

/** What {@link LiveEventSink} hands each event to, and how it ends a session a reader left. */
export type LiveEventSinkOptions = {
  /** The events a reader of the session (`for await ... of session`) reads. */
  queue: LiveEventQueue;
  telemetry: LiveTelemetry | undefined;
  /** The caller's tap on every event (`onEvent`). */
  onEvent: ((event: LiveEvent) => void) | undefined;
  /** Where a tap's throw is logged. */
  logger: Logger;
  /** The bound of `queue`, for the error that ends the session when it is full. */
  maxBufferedBytes: number;
  /** Ends the session (the queue is full: nobody reads). */
  end: (error: LiveSessionError) => void;
};

/**
 * Where a live session's events go: its telemetry, the caller's `onEvent`, and the queue its
 * reader reads (a full queue ends the session); and the caller's taps, whose bugs must not end the
 * conversation. @internal
 */
export class LiveEventSink {
  readonly #options: LiveEventSinkOptions;

  constructor(options: LiveEventSinkOptions) {
    this.#options = options;
  }

  /** One event to the telemetry, `onEvent` and the reader's queue. */
  emit(event: LiveEvent): void {
    const { telemetry, onEvent, queue, maxBufferedBytes } = this.#options;
    telemetry?.event(event);
    if (onEvent !== undefined) this.tap(() => onEvent(event));
    if (!queue.push(event)) {
      this.#options.end(
        new LiveSessionError({
          reason: 'buffer-full',
          limit: maxBufferedBytes,
          message: `More than ${maxBufferedBytes} bytes of live events waited for a reader: read the session's events as they come (for await ... of session), or raise maxBufferedBytes.`,
        }),
      );
    }
  }

  /** Runs a caller's tap (`onEvent`, `onHandle`): its bug must not end the conversation. */
  tap(tap: () => unknown): void {
    const warn = (error: unknown) =>
      this.#options.logger.warn({ err: error }, 'live session: a tap threw');
    try {
      const result = tap();
      // An async tap's rejection is its throw: left alone it was an unhandled rejection, which
      // ends a Node process (attack25).
      if (isThenable(result)) Promise.resolve(result).then(undefined, warn);
    } catch (error) {
      warn(error);
    }
  }
}
