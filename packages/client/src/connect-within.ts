import { ClientError } from './client-error.ts';

/**
 * Past this, `setTimeout` fires at once (a 32-bit delay): such a bound is no bound.
 * @internal
 */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * One connection's wait for the server's answer (its response headers), bounded by
 * `idleTimeoutMs` as the body's reads are: a server that accepts and never answers held the page
 * until its Stop, since `fetch`'s only signal was the page's (leftovers55).
 * @internal
 */
export interface ConnectionWait {
  /** For `fetch`: the page's signal, and the bound's abort (which closes the connection). */
  signal: AbortSignal | undefined;
  /** `pending`, or ClientError `idle-timeout` once it took longer than the bound. */
  answer(pending: Promise<Response>): Promise<Response>;
  /** Stops forwarding the page's Stop (the body's reader watches the page's signal itself). */
  release(): void;
}

/**
 * A {@link ConnectionWait} for one request. By hand rather than `AbortSignal.any` (core's
 * `on-abort.ts`: on Node 20 the signals it makes stay referenced by their sources).
 * @internal
 */
export function connectWithin(
  signal: AbortSignal | undefined,
  idleTimeoutMs: number,
): ConnectionWait {
  if (idleTimeoutMs > MAX_TIMER_MS) return { signal, answer: (pending) => pending, release() {} };
  const controller = new AbortController();
  const forward = (): void => controller.abort(signal?.reason);
  if (signal?.aborted) forward();
  else signal?.addEventListener('abort', forward, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const release = (): void => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forward);
  };
  const answer = async (pending: Promise<Response>): Promise<Response> => {
    const quiet = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new ClientError({
          code: 'idle-timeout',
          message: `The server sent no answer (not even its response headers) within ${idleTimeoutMs} ms (idleTimeoutMs).`,
        });
        // Closes the connection; a custom fetch that ignores the signal and answers late has
        // its body let go, and its rejection is no unhandled one.
        controller.abort(error);
        pending.then(
          (late) => late.body?.cancel().catch(() => {}),
          () => {},
        );
        reject(error);
      }, idleTimeoutMs);
    });
    try {
      return await Promise.race([pending, quiet]);
    } finally {
      clearTimeout(timer);
    }
  };
  return { signal: controller.signal, answer, release };
}
