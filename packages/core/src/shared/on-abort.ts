import type { Redactor } from './client-redactor.ts';

/**
 * The callbacks waiting on a signal, the one listener that calls them, and whether that listener
 * stays when the last callback stops waiting (see {@link holdAbortListener}).
 */
type Waiters = { callbacks: Set<() => void>; listener: () => void; held: boolean };

// why (kept): keyed by the signal because the waits that share it are made apart (a
// run's tool calls, every run following one shutdown signal) and share nothing else; no run data.
const waitersOf = new WeakMap<AbortSignal, Waiters>();
const heldSignals = new WeakSet<AbortSignal>();

/**
 * Keeps `signal`'s shared listener attached from the first wait on it until it aborts, instead of
 * removing it each time the last wait ends. For a signal its caller made itself and drops when its
 * work ends (the agent's run signal): every model call and tool call of a run waits on it, one
 * after the other, and adding and removing an `abort` listener each time cost 3-8 % of a step's
 * CPU (bench/src/ab/ab-dist.ts, 200 rounds each way, Node 20: run 1.028 and 1 / 0.926, stream
 * 1.066 and 1 / 0.935 without the hold; issue 27). Not for a signal the user passes: a
 * listener left on an `AbortSignal.timeout()` keeps it referenced until it fires.
 * @internal
 */
export function holdAbortListener(signal: AbortSignal): void {
  heldSignals.add(signal);
}

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
    waiters = { callbacks, listener, held: heldSignals.has(signal) };
    waitersOf.set(signal, waiters);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { callbacks, listener, held } = waiters;
  callbacks.add(callback);
  return () => {
    if (!callbacks.delete(callback) || callbacks.size > 0 || held) return;
    if (waitersOf.get(signal)?.callbacks === callbacks) waitersOf.delete(signal);
    signal.removeEventListener('abort', listener);
  };
}

const noFollow = (): void => {};

/**
 * Makes `controller` abort with `signal`'s reason when `signal` aborts (at once when it already
 * has), through `redact` when given: a run's signal hands its reason to the tools and becomes the
 * `cause` of the run's `AgentAbortedError`, and a caller may abort with the key in it (attack-core11:
 * `AbortSignal.abort(apiKey)`), which no error of the run may hold. Returns the function that
 * stops following; call it when the follower's work ends, so a long-lived signal does not keep it.
 *
 * By hand rather than `AbortSignal.any`: on Node 20 every signal `AbortSignal.any` makes stays
 * referenced from its long-lived source (nodejs/node#55351), and an application passes one
 * shutdown signal to every run.
 * @internal
 */
export function followSignal(
  signal: AbortSignal | undefined,
  controller: AbortController,
  redact: Redactor = (reason) => reason,
): () => void {
  if (signal === undefined) return noFollow;
  const follow = (): void => controller.abort(redact(signal.reason));
  if (signal.aborted) {
    follow();
    return noFollow;
  }
  // Through the signal's one shared listener: an application passes one shutdown signal to every
  // run, and a listener per run made Node warn of a leak past 10 runs at once.
  return onAbort(signal, follow);
}

/**
 * Whether `value` can be used as an AbortSignal: duck-typed, because a signal from another realm
 * or an AbortController polyfill fails `instanceof`. Both listener methods are required: whoever
 * follows a signal removes its listener when its work ends.
 * @internal
 */
export function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function' &&
    typeof (value as AbortSignal).removeEventListener === 'function'
  );
}
