import type { RunOwner } from '@gemloop/core/web';
import type { RateLimiter } from '../openai/rate-limiter.ts';
import { isRequest } from './request-ids.ts';

/**
 * Counts the requests of a batch past its first (the POST counted one) against the owner's
 * limit: the seconds to wait when the batch goes over it, else 0. A batch (up to the SDK's 100
 * messages) was one request to the limit, so one POST could start 100 runs under a limit of
 * 10. What the batch took stays taken when it is refused, as a refused POST's does. @internal
 */
export function takeBatch(
  limiter: Pick<RateLimiter, 'take'> | undefined,
  owner: RunOwner,
  body: unknown,
): number {
  if (limiter === undefined || !Array.isArray(body)) return 0;
  let wait = 0;
  for (const message of body.slice(1)) {
    if (!isRequest(message)) continue;
    wait = Math.max(wait, limiter.take(owner).wait);
  }
  return wait;
}
