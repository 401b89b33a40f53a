import { LiveSessionError } from '../live-session-error.ts';
import type { Held } from './live-connection.ts';

/**
 * What a live session sends while it has no ready connection (a resume under way, the first
 * connection not ready yet), held for the next one and bounded: audio keeps coming while a resume
 * is under way. @internal
 */
export class LiveOutbox {
  #held: Held[] = [];
  /** The characters held. */
  #bytes = 0;
  readonly #maxBytes: number;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /**
   * Holds `held` for the next connection; once that passes the bound, nothing is held and the
   * error the session ends with is returned.
   */
  hold(held: Held): LiveSessionError | undefined {
    this.#bytes += held.text.length;
    if (this.#bytes > this.#maxBytes) {
      return new LiveSessionError({
        reason: 'buffer-full',
        limit: this.#maxBytes,
        message: `More than ${this.#maxBytes} bytes of messages waited for a reconnection.`,
      });
    }
    this.#held.push(held);
    return undefined;
  }

  /** What waited, in order, and the outbox empty again. */
  take(): Held[] {
    const held = this.#held;
    this.#held = [];
    this.#bytes = 0;
    return held;
  }
}
