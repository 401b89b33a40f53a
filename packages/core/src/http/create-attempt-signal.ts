/** The abort signal of one attempt: the caller's signal plus a time limit. */
export type AttemptSignal = {
  readonly signal: AbortSignal;
  /** Whether the time limit (not the caller) aborted the attempt. */
  readonly timedOut: boolean;
  /** Starts the time limit again: a stream calls it before waiting for each chunk (an idle limit). */
  restartTimer(): void;
  /** Stops the time limit while the consumer holds a chunk: a slow consumer is not an idle server. */
  pauseTimer(): void;
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
  const controller = new AbortController();
  const hasLimit = timeoutMs <= MAX_TIMER_MS;
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The idle limit runs from `startedAt` while `running`. A stream restarts and pauses it around
  // every read, so instead of clearing and setting a timer each time (a third of a 20,000-chunk
  // stream's overhead), one timer stays armed: when it fires it checks the time and, if the
  // limit was restarted meanwhile, re-arms for what is left; if paused, it lapses, and the next
  // restart arms a new one. performance.now is monotonic, and fake timers fake it too.
  let startedAt = 0;
  let running = false;

  const onCallerAbort = (): void => {
    running = false;
    clearTimeout(timer);
    controller.abort(signal?.reason);
  };
  const onTimer = (): void => {
    timer = undefined;
    if (!running || controller.signal.aborted) return;
    const remaining = startedAt + timeoutMs - performance.now();
    if (remaining > 0) {
      timer = setTimeout(onTimer, remaining);
      return;
    }
    timedOut = true;
    running = false;
    signal?.removeEventListener('abort', onCallerAbort);
    controller.abort(
      new DOMException(`The attempt timed out after ${timeoutMs} ms`, 'TimeoutError'),
    );
  };
  const startTimer = (): void => {
    if (!hasLimit) return;
    startedAt = performance.now();
    running = true;
    timer ??= setTimeout(onTimer, timeoutMs);
  };
  const stopTimer = (): void => {
    running = false;
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  };

  if (signal?.aborted) {
    controller.abort(signal.reason);
  } else {
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    startTimer();
  }

  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    restartTimer() {
      if (!controller.signal.aborted) startTimer();
    },
    pauseTimer() {
      // Leaves the timer armed: it lapses when it fires while paused.
      running = false;
    },
    abort() {
      stopTimer();
      signal?.removeEventListener('abort', onCallerAbort);
      controller.abort(new DOMException('The request was released', 'AbortError'));
    },
    dispose() {
      stopTimer();
      signal?.removeEventListener('abort', onCallerAbort);
    },
  };
}
