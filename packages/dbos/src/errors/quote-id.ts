import { quoteText, redactKeyShapes } from '@gemloop/core/internal';

/**
 * An id (a run's, a chat session's, a call's) as an error message quotes it: any key of a
 * well-known shape in it redacted, then quoted as a caller's text is (`quoteText`: a JSON string
 * with control, line-breaking and bidi characters escaped, cut at `max` characters, never inside
 * an emoji). Ids are the caller's, up to 4 KB of anything but NUL: quoted raw, a `\n` in one
 * started a forged line of a log, and a key a caller named its runs by (a tenant's API key as the
 * id) was written into every message about the run (attack61d). The errors' fields (`runId`,
 * `toolCallId`) keep the id as it is.
 * @internal
 */
export function quoteId(id: string, max = 200): string {
  return quoteText(redactKeyShapes(id), max);
}
