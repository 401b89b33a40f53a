import type { Content } from '@gemloop/core/wire';

/** The most user messages of unfinished runs a thread keeps the ids of. @internal */
export const MAX_UNANSWERED = 32;

/**
 * The user messages of `unanswered` (ids of runs that did not finish) that the client's input
 * still holds before its last message, oldest first. One the client dropped (an edit, a page
 * that forgot it) stays out, as does the input's own last message, so a retry of a failed run
 * sends its message once. @internal
 */
export function carryUnanswered(
  unanswered: readonly string[] | undefined,
  earlierUsers: ReadonlyMap<string, { content: Content; media: number }>,
): { id: string; content: Content; media: number }[] {
  return (unanswered ?? []).flatMap((id) => {
    const found = earlierUsers.get(id);
    return found === undefined ? [] : [{ id, ...found }];
  });
}
