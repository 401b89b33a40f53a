/** The callbacks waiting on a signal, and the one listener that calls them. */
type Waiters = { callbacks: Set<() => void>; listener: () => void };

const waitersOf = new WeakMap<AbortSignal, Waiters>();

/**
 * Calls `callback` once when `signal` aborts; returns the function that stops waiting. Every wait
 * of the agent on a signal goes through it ({@link followSignal} too).
 *
 * Many waits share a signal at once: the tool calls of one turn wait on the run's, and every run
 * of an application may follow one shutdown signal. With a listener each, more than 10 made Node
 * print "MaxListenersExceededWarning: Possible EventTarget memory leak detected" on the user's
 * stderr, though every listener was removed when its wait ended. So a signal gets one listener,
 * shared by every callback waiting on it, and loses it when the last one stops waiting. `signal`
 * must not be aborted yet.
 * @internal
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let waiters = waitersOf.get(signal);
  if (waiters === undefined) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      waitersOf.delete(signal);
      for (const waiter of [...callbacks]) waiter();
    };
    waiters = { callbacks, listener };
    waitersOf.set(signal, waiters);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { callbacks, listener } = waiters;
  callbacks.add(callback);
  return () => {
    if (!callbacks.delete(callback) || callbacks.size > 0) return;
    if (waitersOf.get(signal)?.callbacks === callbacks) waitersOf.delete(signal);
    signal.removeEventListener('abort', listener);
  };
}
