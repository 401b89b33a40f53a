/**
 * What no id a caller names holds: C0 and C1 controls (line ends, terminal escapes), the line and
 * paragraph separators, bidi embeddings, overrides and isolates. An id is echoed to logs, to the
 * console (the A2A SDK writes ids it does not find there: attack-doors7's `\u001b[2J` cleared the
 * server's terminal, a line end forged a log line) and to pages (a U+202E turns the text after it
 * around), so every door refuses them alike.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const NOT_IN_ID = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * The words that refuse `id`, given as `field`, when it holds a control or bidi character (see
 * {@link NOT_IN_ID}); `undefined` for an id of printable characters. The same words at every door
 * (A2A's `params.message.taskId`, AG-UI's `threadId`, the Responses API's `previous_response_id`).
 * @internal
 */
export function unprintableIdFault(field: string, id: string): string | undefined {
  return NOT_IN_ID.test(id)
    ? `${field} must be an id of printable characters (no line end, control or bidi character).`
    : undefined;
}
