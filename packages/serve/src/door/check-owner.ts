import { InvalidArgumentError } from '@gemloop/core/errors';
import type { RunOwner } from '@gemloop/core/web';

/**
 * What `authorize` returned: the owner, `undefined` for a refused request (the door answers 401),
 * or an {@link InvalidArgumentError} for a value that is neither (the door's own mistake, a 500).
 * Shared by the doors. @internal
 */
export function checkOwner(owner: unknown): RunOwner | undefined {
  if (owner === null || owner === undefined) return undefined;
  if (typeof owner !== 'string' || owner.length === 0 || owner.length > 1024) {
    throw new InvalidArgumentError({
      argument: 'authorize',
      message:
        "authorize must return the caller's owner id (a non-empty string of at most 1024 characters), or null to refuse the request.",
    });
  }
  return owner;
}
