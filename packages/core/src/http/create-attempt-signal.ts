import { PooledTimer, type TimerHolder, type TimerPool } from './timer-pool.ts';

/** The abort signal of one attempt: the caller's signal plus a time limit. */
export type AttemptSignal = {
  readonly signal: AbortSignal;
  /** Whether the time limit (not the caller) aborted the attempt. */
  readonly timedOut: boolean;
  /** Starts the time limit again: a stream calls it before waiting for each chunk (an idle limit). */
  restartTimer(): void;
  /** Stops the time limit while the consumer holds a chunk: a slow consumer is not an idle server. */
  pauseTimer(): void;
  /**
   * Registers a function to call right after the attempt aborts (once; replacing any earlier one),
   * for code that would otherwise add an `abort` listener to `signal`: an event listener costs 1
   * to 2 us to add and remove on Node 20. It is not called when the attempt had already aborted,
   * nor after `dispose`.
   */
  onAbort(callback: () => void): void;
  /** Aborts the attempt, e.g. to release the connection when the consumer stops reading. */
  abort(): void;
  /** Stops the timer and detaches from the caller's signal. Call it when the attempt ends. */
  dispose(): void;
};

// setTimeout fires at once for delays above 2^31-1 ms; longer limits mean "no limit".
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Makes the signal of one attempt: aborted with the caller's reason when the caller's signal
 * aborts, and with a `TimeoutError` DOMException when `timeoutMs` passes.
 *
 * Hand-rolled instead of `AbortSignal.any([signal, AbortSignal.timeout(ms)])`: `AbortSignal.any`
 * leaks every combined signal into a long-lived source signal on Node 20 (nodejs/node#55351,
 * #54614), and an agent run passes the same signal to every request; it also cannot restart its
 * timer (needed for the stream idle limit), and its timer ignores fake timers in tests.
 * @internal
 */
export function createAttemptSignal({
  signal,
  timeoutMs,
  timers,
}: {
  signal?: AbortSignal | undefined;
  timeoutMs: number;
  /** The client's idle timers, to restart one rather than set and clear a timer per attempt. */
  timers?: TimerPool | undefined;
}): AttemptSignal {
  return new TimedAttemptSignal(signal, timeoutMs, timers);
}

/**
 * A class rather than an object of closures: every request makes one, and methods on a prototype
 * cost nothing per instance (the closures cost about a microsecond and a half per request).
 *
 * The time limit is one timer for the whole attempt, restarted in place (`refresh()`) by
 * `restartTimer`: a stream restarts it before every read, and setting and clearing a timer each
 * time cost a sixth of a 20,000-chunk stream's time. Pausing leaves it armed: firing while paused
 * does nothing, and the next restart arms it again. Only the timer's own clock is used, so fake
 * timers (all of them, or only setTimeout) time it exactly.
 */
class TimedAttemptSignal implements AttemptSignal, TimerHolder {
  readonly #controller = new AbortController();
  readonly #callerSignal: AbortSignal | undefined;
  readonly #timeoutMs: number;
  readonly #timers: TimerPool | undefined;
  #timer: PooledTimer | undefined = undefined;
  #timedOut = false;
  #running = false;
  #abortCallback: (() => void) | undefined = undefined;
  // Bound once: the caller's signal needs a function.
  readonly #onCallerAbort = (): void => {
    this.#stopTimer();
    this.#abortWith(this.#callerSignal?.reason);
  };

  constructor(
    callerSignal: AbortSignal | undefined,
    timeoutMs: number,
    timers: TimerPool | undefined,
  ) {
    this.#callerSignal = callerSignal;
    this.#timeoutMs = timeoutMs;
    this.#timers = timers;
    if (callerSignal?.aborted) {
      this.#controller.abort(callerSignal.reason);
    } else {
      callerSignal?.addEventListener('abort', this.#onCallerAbort, { once: true });
      this.#startTimer();
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get timedOut(): boolean {
    return this.#timedOut;
  }

  restartTimer(): void {
    if (!this.#controller.signal.aborted) this.#startTimer();
  }

  pauseTimer(): void {
    // Leaves the timer armed: firing while paused does nothing (see expire).
    this.#running = false;
  }

  onAbort(callback: () => void): void {
    if (!this.#controller.signal.aborted) this.#abortCallback = callback;
  }

  abort(): void {
    this.#stopTimer();
    this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
    this.#abortWith(new DOMException('The request was released', 'AbortError'));
  }

  dispose(): void {
    this.#stopTimer();
    this.#abortCallback = undefined;
    this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
  }

  /** The timer's call: the limit passed since the last (re)start. @internal */
  expire(): void {
    if (!this.#running || this.#controller.signal.aborted) return;
    this.#timedOut = true;
    this.#stopTimer();
    this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
    this.#abortWith(
      new DOMException(`The attempt timed out after ${this.#timeoutMs} ms`, 'TimeoutError'),
    );
  }

  /** Aborts the signal (its listeners, fetch's among them, run first), then the callback. */
  #abortWith(reason: unknown): void {
    if (this.#controller.signal.aborted) return;
    this.#controller.abort(reason);
    const callback = this.#abortCallback;
    this.#abortCallback = undefined;
    callback?.();
  }

  #startTimer(): void {
    // setTimeout fires at once beyond its maximum: a longer limit is no limit.
    if (this.#timeoutMs > MAX_TIMER_MS) return;
    this.#running = true;
    if (this.#timer !== undefined) this.#timer.restart();
    else if (this.#timers !== undefined) this.#timer = this.#timers.take(this.#timeoutMs, this);
    else {
      this.#timer = new PooledTimer(this.#timeoutMs);
      this.#timer.holder = this;
    }
  }

  #stopTimer(): void {
    this.#running = false;
    const timer = this.#timer;
    if (timer === undefined) return;
    this.#timer = undefined;
    if (this.#timers !== undefined) this.#timers.give(timer);
    else timer.stop();
  }
}
