import { MAX_TIMER_MS } from '../../shared/max-timer-ms.ts';
import { onAbort } from '../../shared/on-abort.ts';
import { PooledTimer, type TimerHolder, type TimerPool } from '../../shared/timer-pool.ts';
import type { RequestSignal } from '../transport/transport.ts';

/** The abort signal of one attempt: the caller's signal plus a time limit. */
export type AttemptSignal = RequestSignal & {
  /** A real `AbortSignal` that follows the attempt, made on first use (fetch needs one). */
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
 *
 * The attempt is its own signal for the node transport (undici's request API takes anything with
 * `addEventListener`): the `AbortController` is made only when `signal` is asked for (fetch). An
 * `AbortController` plus undici's listener on its signal cost 5.5 to 6.3 us per attempt, against
 * 1.4 to 1.5 us with this (a micro loop: create following a caller signal, add and remove one
 * listener, dispose; Node 20.20 on a loaded 2-core machine, interleaved A/B; issue 12).
 */
class TimedAttemptSignal implements AttemptSignal, TimerHolder {
  readonly #callerSignal: AbortSignal | undefined;
  readonly #timeoutMs: number;
  readonly #timers: TimerPool | undefined;
  #timer: PooledTimer | undefined = undefined;
  #timedOut = false;
  #running = false;
  #aborted = false;
  #reason: unknown = undefined;
  // The AbortController only when something asks for `signal` (the fetch transport, tests): the
  // node transport takes the attempt itself as its signal (see RequestSignal).
  #controller: AbortController | undefined = undefined;
  #listeners: (() => void)[] | undefined = undefined;
  #abortCallback: (() => void) | undefined = undefined;
  /** Stops following the caller's signal (see `onAbort`). */
  #unfollow: (() => void) | undefined = undefined;
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
      this.#aborted = true;
      this.#reason = callerSignal.reason;
    } else {
      // Through the signal's one shared listener: many calls may follow one signal at once (an
      // application's shutdown signal), and a listener each made Node warn past 10.
      if (callerSignal !== undefined) this.#unfollow = onAbort(callerSignal, this.#onCallerAbort);
      this.#startTimer();
    }
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  throwIfAborted(): void {
    if (this.#aborted) throw this.#reason;
  }

  addEventListener(type: 'abort', listener: () => void): void {
    if (type !== 'abort' || this.#aborted) return;
    if (this.#listeners === undefined) this.#listeners = [listener];
    else this.#listeners.push(listener);
  }

  removeEventListener(type: 'abort', listener: () => void): void {
    const listeners = this.#listeners;
    if (type !== 'abort' || listeners === undefined) return;
    const index = listeners.indexOf(listener);
    if (index !== -1) listeners.splice(index, 1);
  }

  get timedOut(): boolean {
    return this.#timedOut;
  }

  restartTimer(): void {
    if (!this.#aborted) this.#startTimer();
  }

  pauseTimer(): void {
    // Leaves the timer armed: firing while paused does nothing (see expire).
    this.#running = false;
  }

  onAbort(callback: () => void): void {
    if (!this.#aborted) this.#abortCallback = callback;
  }

  abort(): void {
    this.#stopTimer();
    this.#stopFollowing();
    this.#abortWith(new DOMException('The request was released', 'AbortError'));
  }

  dispose(): void {
    this.#stopTimer();
    this.#abortCallback = undefined;
    this.#stopFollowing();
  }

  /** The timer's call: the limit passed since the last (re)start. @internal */
  expire(): void {
    if (!this.#running || this.#aborted) return;
    this.#timedOut = true;
    this.#stopTimer();
    this.#stopFollowing();
    this.#abortWith(
      new DOMException(`The attempt timed out after ${this.#timeoutMs} ms`, 'TimeoutError'),
    );
  }

  /**
   * Aborts the attempt: the real signal if one was made (its listeners, fetch's among them, run
   * first), then the listeners added to the attempt itself (undici's), then the callback.
   */
  #stopFollowing(): void {
    const unfollow = this.#unfollow;
    this.#unfollow = undefined;
    unfollow?.();
  }

  #abortWith(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener();
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
