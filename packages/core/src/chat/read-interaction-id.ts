/** What the Interactions API's ids look like (the same rule the client checks ids against). */
// Not '.' or '..': a URL resolves `interactions/..` to the API root (WHATWG dot segments).
const INTERACTION_ID = /^(?!\.\.?$)[A-Za-z0-9._~-]{1,512}$/;

/**
 * A stored turn's `interactionId` read back from storage (a history file, a database row):
 * hostile bytes, so it is kept only when it looks like an interaction id (letters, digits, `.`,
 * `_`, `~`, `-`, at most 512 characters); anything else is `undefined`, and the next send then
 * sends the history whole instead of continuing from an id the server never gave.
 * @internal
 */
export function readInteractionId(value: unknown): string | undefined {
  return typeof value === 'string' && INTERACTION_ID.test(value) ? value : undefined;
}
