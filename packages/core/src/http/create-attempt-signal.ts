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
}: {
  signal?: AbortSignal | undefined;
  timeoutMs: number;
}): AttemptSignal {
  return new TimedAttemptSignal(signal, timeoutMs);
}

/**
 * A class rather than an object of closures: every request makes one, and methods on a prototype
 * cost nothing per instance (the closures cost about a microsecond and a half per request).
 *
 * The idle limit runs from `startedAt` while `running`. A stream restarts and pauses it around every
 * read, so instead of clearing and setting a timer each time (a third of a 20,000-chunk stream's
 * overhead), one timer stays armed: when it fires it checks the time and, if the limit was
 * restarted meanwhile, re-arms for what is left; if paused, it lapses, and the next restart arms a
 * new one. performance.now is monotonic, and fake timers fake it too.
 */
class TimedAttemptSignal implements AttemptSignal {
  readonly #controller = new AbortController();
  readonly #callerSignal: AbortSignal | undefined;
  readonly #timeoutMs: number;
  readonly #hasLimit: boolean;
  #timedOut = false;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #startedAt = 0;
  #running = false;
  #abortCallback: (() => void) | undefined = undefined;
  // Bound once: the caller's signal and setTimeout need functions.
  readonly #onCallerAbort = (): void => {
    this.#stopTimer();
    this.#abortWith(this.#callerSignal?.reason);
  };
  readonly #onTimer = (): void => this.#checkTimer();

  constructor(callerSignal: AbortSignal | undefined, timeoutMs: number) {
    this.#callerSignal = callerSignal;
    this.#timeoutMs = timeoutMs;
    this.#hasLimit = timeoutMs <= MAX_TIMER_MS;
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
    // Leaves the timer armed: it lapses when it fires while paused.
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

  /** Aborts the signal (its listeners, fetch's among them, run first), then the callback. */
  #abortWith(reason: unknown): void {
    if (this.#controller.signal.aborted) return;
    this.#controller.abort(reason);
    const callback = this.#abortCallback;
    this.#abortCallback = undefined;
    callback?.();
  }

  #startTimer(): void {
    if (!this.#hasLimit) return;
    this.#startedAt = performance.now();
    this.#running = true;
    this.#timer ??= setTimeout(this.#onTimer, this.#timeoutMs);
  }

  #stopTimer(): void {
    this.#running = false;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #checkTimer(): void {
    this.#timer = undefined;
    if (!this.#running || this.#controller.signal.aborted) return;
    const remaining = this.#startedAt + this.#timeoutMs - performance.now();
    if (remaining > 0) {
      this.#timer = setTimeout(this.#onTimer, remaining);
      return;
    }
    this.#timedOut = true;
    this.#running = false;
    this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
    this.#abortWith(
      new DOMException(`The attempt timed out after ${this.#timeoutMs} ms`, 'TimeoutError'),
    );
  }
}
