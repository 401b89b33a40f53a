import type { Redactor } from '../shared/client-redactor.ts';
import { onAbort } from '../shared/on-abort.ts';

const noop = (): void => {};

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
  if (signal === undefined) return noop;
  const follow = (): void => controller.abort(redact(signal.reason));
  if (signal.aborted) {
    follow();
    return noop;
  }
  // Through the signal's one shared listener: an application passes one shutdown signal to every
  // run, and a listener per run made Node warn of a leak past 10 runs at once.
  return onAbort(signal, follow);
}
