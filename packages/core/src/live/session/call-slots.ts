import { LiveSessionError } from '../live-session-error.ts';

/**
 * What one call waiting for a tool slot counts against `maxBufferedBytes`: a waiting call held
 * ~3 kB (its controller, promise, waiter and arguments; 50,000 held 165 MB), and calls came
 * without bound from a server faster than the tools (attack60). At the default bound, 16,384 wait.
 */
const WAITING_CALL_BYTES = 2048;

/** How many calls may wait for a slot in a session whose bound is `maxBufferedBytes`. @internal */
export function maxWaitingCalls(maxBufferedBytes: number): number {
  return Math.max(1, Math.floor(maxBufferedBytes / WAITING_CALL_BYTES));
}

/** The `buffer-full` error a session ends with when its calls wait past the bound. @internal */
export function waitingCallsError(maxBufferedBytes: number): LiveSessionError {
  return new LiveSessionError({
    reason: 'buffer-full',
    limit: maxBufferedBytes,
    message: `More than ${maxBufferedBytes} bytes of tool calls (${WAITING_CALL_BYTES} each) waited for one of toolConcurrency's slots: the server sent calls faster than the tools answer them. Raise toolConcurrency or maxBufferedBytes.`,
  });
}

/**
 * A live session's tool slots: at most `size` calls run at once, the rest wait in order (a run's
 * `toolConcurrency`, held across the session's frames). A released slot passes straight to the
 * first waiter: woken to compete for it, a waiter lost it to a call that came in the same tick
 * (and went to the back of the line), and one aborted in that tick returned without taking it,
 * leaving the others waiting beside a free slot. @internal
 */
export class CallSlots {
  readonly #size: number;
  readonly #maxWaiting: number;
  #active = 0;
  /** The waiters in arrival order (a Set keeps insertion order); each takes the slot it is given. */
  readonly #waiting = new Set<() => void>();
  /** `maxWaiting`: how many calls may wait for a slot (see {@link CallSlots.full}). */
  constructor(size: number, maxWaiting: number = Number.POSITIVE_INFINITY) {
    this.#size = size;
    this.#maxWaiting = maxWaiting;
  }
  /**
   * Whether `maxWaiting` calls wait already: a server that sends calls faster than the tools
   * answer them would otherwise have them wait without end (~3 kB each: 50,000 held 165 MB).
   */
  full(): boolean {
    return this.#waiting.size >= this.#maxWaiting;
  }
  /** Takes a slot, waiting for one; `false` when `signal` aborted first (no slot taken). */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.#active < this.#size) {
      this.#active += 1;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const abort = (): void => {
        this.#waiting.delete(grant);
        resolve(false);
      };
      const grant = (): void => {
        signal.removeEventListener('abort', abort);
        resolve(true);
      };
      this.#waiting.add(grant);
      signal.addEventListener('abort', abort, { once: true });
    });
  }
  /** Gives the slot back: to the first waiter if there is one (it stays taken), else free. */
  release(): void {
    const [next] = this.#waiting;
    if (next === undefined) {
      this.#active -= 1;
      return;
    }
    this.#waiting.delete(next);
    next();
  }
}
