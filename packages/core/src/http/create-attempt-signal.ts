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
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const onCallerAbort = (): void => {
    clearTimeout(timer);
    controller.abort(signal?.reason);
  };
  const onTimeout = (): void => {
    timedOut = true;
    signal?.removeEventListener('abort', onCallerAbort);
    controller.abort(
      new DOMException(`The attempt timed out after ${timeoutMs} ms`, 'TimeoutError'),
    );
  };
  const startTimer = (): void => {
    if (timeoutMs > MAX_TIMER_MS) return;
    clearTimeout(timer);
    timer = setTimeout(onTimeout, timeoutMs);
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
      clearTimeout(timer);
    },
    abort() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
      controller.abort(new DOMException('The request was released', 'AbortError'));
    },
    dispose() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    },
  };
}
