import { hasUnprintable } from '@gemloop/core/internal';

/**
 * The words that refuse `id`, given as `field`, when it holds a control or bidi character (core's
 * `UNPRINTABLE`: C0 and C1 controls, line ends, terminal escapes, the line and paragraph
 * separators, bidi marks, embeddings, overrides and isolates); `undefined` for an id of printable
 * characters. An id is echoed to logs, to the console (the A2A SDK writes ids it does not find
 * there: attack-doors7's `\u001b[2J` cleared the server's terminal, a line end forged a log line)
 * and to pages (a U+202E turns the text after it around), so every door refuses them alike, with
 * the same words (A2A's `params.message.taskId`, AG-UI's `threadId`, the Responses API's
 * `previous_response_id`).
 * @internal
 */
export function unprintableIdFault(field: string, id: string): string | undefined {
  return hasUnprintable(id)
    ? `${field} must be an id of printable characters (no line end, control or bidi character).`
    : undefined;
}
