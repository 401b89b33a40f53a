/**
 * Loads the chat window's code (`selectHistory`) for `@gemloop/dbos`'s durable chat turn with a
 * `limit`. Loaded, not re-exported: `@gemloop/testing` and the other packages import this entry,
 * and the root's cold import must not bring the window in with them (index.cold-import.test.ts).
 * @internal
 */
export function loadSelectHistory(): Promise<typeof import('../chat/select-history.ts')> {
  return import('../chat/select-history.ts');
}
