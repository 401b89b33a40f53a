// Approvals resolved before they were pending. A proxy that reorders events, or a resumed stream
// that starts between the two, hands the page an approval's `approval-resolved` before its
// `approval-pending`: dropped as unknown, the pending that followed showed buttons (and the chat
// `awaiting-approval`) for an approval nobody waits for, until the run's `finish` (client68).
//
// The memory rides on the message's list of approvals, as a property no copy, JSON or `toEqual`
// sees, and goes on with each list made from it. A resolution is added to it in place, so that an
// action that shows nothing new keeps the message and the state as they were (React skips the
// render): adding is idempotent, so React's second reduction of one state (StrictMode) adds the
// same. A resolution is removed (its pending came) by a copy, the state before keeping its own.

import type { ChatApproval } from './agent-chat-message.ts';

/** The decisions of approvals resolved before they were pending, by approval id, oldest first. */
export type EarlyResolutions = Map<string, 'approve' | 'deny'>;

/**
 * How many are remembered: the latest ones. A run waits for a handful of approvals at a time; a
 * server that resolves ids it never announces (hostile, or answers replayed) must not grow the
 * page's memory, and a resolution forgotten only shows buttons the run no longer waits on. It
 * also bounds the copy made when a pending takes its resolution.
 */
export const EARLY_RESOLUTIONS_KEPT = 256;

// why (sentinel): the key a message's list of approvals carries its early resolutions under;
// holds nothing itself.
const EARLY: unique symbol = Symbol('gemloop.react.early-resolutions');
type Carrying = readonly ChatApproval[] & { [EARLY]?: EarlyResolutions };

/** The early resolutions `approvals` carries, if any (none for a list saved or loaded). @internal */
export function earlyResolutionsOf(
  approvals: readonly ChatApproval[],
): EarlyResolutions | undefined {
  return (approvals as Carrying)[EARLY];
}

/**
 * `approvals`, carrying `early` (when it holds any) on to the next action. `false` when the list
 * cannot carry it (frozen by the page): the caller keeps the memory on a list of its own. @internal
 */
export function carryEarlyResolutions(
  approvals: readonly ChatApproval[],
  early: EarlyResolutions | undefined,
): boolean {
  if (early === undefined || early.size === 0 || (approvals as Carrying)[EARLY] === early)
    return true;
  if (!Object.isExtensible(approvals)) return false;
  Object.defineProperty(approvals, EARLY, { value: early, configurable: true });
  return true;
}

/**
 * Remembers `approvalId` resolved as `decision` in `early`, the oldest forgotten past the bound.
 * @internal
 */
export function rememberEarlyResolution(
  early: EarlyResolutions,
  approvalId: string,
  decision: 'approve' | 'deny',
): void {
  early.delete(approvalId);
  early.set(approvalId, decision);
  for (const oldest of early.keys()) {
    if (early.size <= EARLY_RESOLUTIONS_KEPT) break;
    early.delete(oldest);
  }
}
