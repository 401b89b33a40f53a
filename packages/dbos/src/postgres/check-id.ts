import { InvalidArgumentError } from '@gemloop/core';
import { quoteId } from '../errors/quote-id.ts';

/**
 * The longest id, in UTF-8 bytes, of a run, a batch job or a chat session. Each is a key of an
 * indexed table (DBOS's workflow id, a chat table's primary key), and a run id is also the prefix
 * of its subagents' ids (`<runId>/<step>.<index>:<callId>`, up to 8 levels): one of 10,000
 * characters failed deep in Postgres ("index row requires 10016 bytes"). @internal
 */
export const MAX_ID_BYTES = 1024;

/** Half of a UTF-16 surrogate pair standing alone (with the `u` flag, a whole pair is one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Refuses an id Postgres cannot hold or index, before anything is sent: a NUL (no Postgres text
 * holds one: every statement failed with "invalid byte sequence for encoding UTF8: 0x00"), an
 * empty or non-string id, one over {@link MAX_ID_BYTES}, or one with a lone surrogate (UTF-8 makes
 * it another id's twin). The `InvalidArgumentError` names
 * `argument` (`'runId'`, `'jobId'`) and calls the id `what` (`'run id'`). @internal
 */
export function checkId(id: unknown, argument: string, what: string): void {
  if (
    typeof id !== 'string' ||
    id === '' ||
    id.includes('\0') ||
    // node-postgres sends text as UTF-8, which writes a lone surrogate as U+FFFD: `x\uD800` would
    // read and write the rows of `x\uFFFD` (another user's chat, another run).
    LONE_SURROGATE.test(id) ||
    Buffer.byteLength(id) > MAX_ID_BYTES
  ) {
    // Cut, escaped and a key's shape redacted (quoteId): a key of 39 characters was shown whole.
    const shown = typeof id === 'string' ? quoteId(id, 40) : String(id);
    throw new InvalidArgumentError({
      argument,
      message: `The ${what} ${shown} cannot be used: a ${what} is a non-empty string of at most ${MAX_ID_BYTES} UTF-8 bytes without NUL characters or lone surrogates (half of a UTF-16 pair, which UTF-8 writes as U+FFFD: String.prototype.toWellFormed()).`,
    });
  }
}
