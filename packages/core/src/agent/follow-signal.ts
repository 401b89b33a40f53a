import { onAbort } from '../shared/on-abort.ts';

const noop = (): void => {};

/**
 * Makes `controller` abort with `signal`'s reason when `signal` aborts (at once when it already
 * has). Returns the function that stops following; call it when the follower's work ends, so a
 * long-lived signal does not keep it.
 *
 * By hand rather than `AbortSignal.any`: on Node 20 every signal `AbortSignal.any` makes stays
 * referenced from its long-lived source (nodejs/node#55351), and an application passes one
 * shutdown signal to every run.
 * @internal
 */
export function followSignal(
  signal: AbortSignal | undefined,
  controller: AbortController,
): () => void {
  if (signal === undefined) return noop;
  if (signal.aborted) {
    controller.abort(signal.reason);
    return noop;
  }
  // Through the signal's one shared listener: an application passes one shutdown signal to every
  // run, and a listener per run made Node warn of a leak past 10 runs at once.
  return onAbort(signal, () => controller.abort(signal.reason));
}
