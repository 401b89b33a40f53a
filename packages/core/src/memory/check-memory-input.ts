import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { describeValue } from '../options/define-options.ts';
import { cutText } from '../shared/cut-text.ts';
import type { MemoryKind } from './memory-record.ts';

/** The longest scope (user id) a store takes. */
export const MAX_SCOPE_LENGTH = 256;
/** The longest memory id the memory plugin passes on (gemloop's stores make UUIDs). */
export const MAX_MEMORY_ID = 256;
/** The longest memory text a store takes, in characters. */
export const MAX_MEMORY_TEXT = 4000;
/**
 * The most numbers an embedding holds: pgvector's `VECTOR_MAX_DIM` (16,000, its src/vector.h),
 * over every embedding model's size (Gemini's 3072 at most). An embed function or a row with a
 * million numbers was kept and read back on every recall: 8 MB a memory, gigabytes a user (attack32).
 */
export const MAX_EMBEDDING_DIMENSIONS = 16_000;

// A lone surrogate (half of a UTF-16 pair, matched alone by \p{Cs} under the `u` flag) has no
// UTF-8 form, so node-postgres (and any UTF-8 wire or JSON server) sends U+FFFD in its place:
// "user-\uD800" and "user-\uDBFF" became one scope, and one user recalled the other's memories
// (attack32). A NUL is kept by these stores; the Postgres store refuses it itself.
const LONE_SURROGATE = /\p{Cs}/u;

/** Where `text` holds a lone surrogate, said in words, or `undefined`. */
function loneSurrogate(text: string): string | undefined {
  const match = LONE_SURROGATE.exec(text);
  return match === null
    ? undefined
    : `a lone surrogate (half of a UTF-16 pair, not a character) at index ${match.index}`;
}

/**
 * Whether `text` is a memory's text a store keeps: non-empty, at most 4000 characters, without a
 * lone surrogate. @internal
 */
export function isMemoryText(text: unknown): text is string {
  return (
    typeof text === 'string' &&
    text.trim().length > 0 &&
    text.length <= MAX_MEMORY_TEXT &&
    loneSurrogate(text) === undefined
  );
}

/**
 * Throws unless `scope` is a non-empty string of at most 256 characters without a lone surrogate
 * (a store would keep it as another user's id). @internal
 */
export function checkScope(scope: unknown): asserts scope is string {
  if (typeof scope !== 'string' || scope.length === 0 || scope.length > MAX_SCOPE_LENGTH) {
    throw new InvalidArgumentError({
      argument: 'scope',
      message: `A memory scope must be a non-empty string of at most ${MAX_SCOPE_LENGTH} characters (the user's id); got ${typeof scope === 'string' ? `a string of ${scope.length}` : typeof scope}.`,
    });
  }
  const found = loneSurrogate(scope);
  if (found !== undefined) {
    throw new InvalidArgumentError({
      argument: 'scope',
      message: `A memory scope (the user's id) must be well-formed text; it holds ${found}, which a store would keep as another character, so two users would share memories. Pass the id as your users table holds it (UTF-8 decoded), or encode it (hex, base64url).`,
    });
  }
}

/**
 * Throws unless `text` is a memory's text: non-empty, at most 4000 characters, without a lone
 * surrogate. @internal
 */
export function checkMemoryText(text: unknown): asserts text is string {
  if (typeof text !== 'string' || text.trim().length === 0 || text.length > MAX_MEMORY_TEXT) {
    throw new InvalidArgumentError({
      argument: 'text',
      message: `A memory's text must be a non-empty string of at most ${MAX_MEMORY_TEXT} characters; got ${typeof text === 'string' ? `${text.length} characters` : typeof text}.`,
    });
  }
  const found = loneSurrogate(text);
  if (found !== undefined) {
    throw new InvalidArgumentError({
      argument: 'text',
      message: `A memory's text must be well-formed text; it holds ${found}, which a store cannot keep as it is. Remove it (or replace it with U+FFFD, as \`text.toWellFormed()\` does) before remembering.`,
    });
  }
}

/**
 * Throws unless `query` is a search's text: non-empty, at most 4000 characters, as a memory's
 * (named `query`, not a memory's text: a recall of a long message said the memory was too long).
 * @internal
 */
export function checkMemoryQuery(query: unknown): asserts query is string {
  if (typeof query !== 'string' || query.trim().length === 0 || query.length > MAX_MEMORY_TEXT) {
    throw new InvalidArgumentError({
      argument: 'query',
      message: `A memory query must be a non-empty string of at most ${MAX_MEMORY_TEXT} characters (shorten it to what to look for); got ${typeof query === 'string' ? `${query.length} characters` : typeof query}.`,
    });
  }
}

/** `text` cut to a query recall takes: its first {@link MAX_MEMORY_TEXT} characters. @internal */
export function toMemoryQuery(text: string): string {
  return cutText(text, MAX_MEMORY_TEXT);
}

/** Throws unless `kind` is `fact` or `episode`. @internal */
export function checkMemoryKind(kind: unknown): asserts kind is MemoryKind {
  if (kind !== 'fact' && kind !== 'episode') {
    throw new InvalidArgumentError({
      argument: 'kind',
      message: `A memory's kind must be 'fact' or 'episode'; got ${describeValue(kind)}.`,
    });
  }
}

/**
 * Throws unless `metadata` is left out or a JSON object: a plain object (not an array, a string,
 * `null` or a `Date`, which JSON writes as a string) that JSON can write (no BigInt, no cycle),
 * without a lone surrogate.
 * The file store wrote any value, and its next read refused the whole file for every user in it
 * ("a `metadata` that is not an object"); Postgres kept an array and then refused the user's
 * scope; a BigInt or a cycle failed as JSON.stringify's bare TypeError (knowledge67). @internal
 */
export function checkMetadata(metadata: unknown): void {
  if (metadata === undefined) return;
  let json: string | undefined;
  try {
    json = JSON.stringify(metadata);
  } catch (error) {
    throw new InvalidArgumentError({
      argument: 'metadata',
      message: `A memory's metadata must be a JSON object; JSON cannot write this one (${error instanceof Error ? error.message.slice(0, 120) : 'it threw'}). Keep strings, numbers, booleans, null, arrays and objects in it (a BigInt as a string, no cycle).`,
    });
  }
  if (json === undefined || !json.startsWith('{')) {
    // Its type only: metadata may be personal data, and an error reaches logs.
    const got =
      metadata === null
        ? 'null'
        : Array.isArray(metadata)
          ? 'an array'
          : typeof metadata === 'object'
            ? 'an object JSON writes as no object (a Date, or one with a toJSON)'
            : `a ${typeof metadata}`;
    throw new InvalidArgumentError({
      argument: 'metadata',
      message: `A memory's metadata must be a JSON object (such as { source: 'chat' }); got ${got}. Wrap the value in an object.`,
    });
  }
  // JSON.stringify writes a lone surrogate as a `\udXXX` escape (and a well-formed pair as it
  // is), which Postgres jsonb refuses with a bare DatabaseError; refused for every store alike,
  // as in a memory's text.
  const at = LONE_SURROGATE_ESCAPE.exec(json);
  if (at !== null) {
    throw new InvalidArgumentError({
      argument: 'metadata',
      message: `A memory's metadata must be well-formed text; a key or string of it holds a lone surrogate (half of a UTF-16 pair, as a text cut inside an emoji has), which a store cannot keep as it is. Remove it (or replace it with U+FFFD, as \`text.toWellFormed()\` does).`,
    });
  }
}

// A `\udXXX` escape of JSON.stringify's (after an even number of backslashes: an odd one is a
// written backslash followed by the text "udXXX").
const LONE_SURROGATE_ESCAPE = /(?<!\\)(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/;

/**
 * Throws unless `embedding` is a non-empty array of at most 16,000 finite numbers, a hole counted
 * as no number. @internal
 */
export function checkEmbedding(
  embedding: unknown,
  argument = 'embedding',
): asserts embedding is readonly number[] {
  if (
    !Array.isArray(embedding) ||
    embedding.length === 0 ||
    embedding.length > MAX_EMBEDDING_DIMENSIONS ||
    !everyFinite(embedding)
  ) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a non-empty array of at most ${MAX_EMBEDDING_DIMENSIONS} finite numbers (the text's embedding)${Array.isArray(embedding) && embedding.length > MAX_EMBEDDING_DIMENSIONS ? `; got ${embedding.length} numbers (ask the embedding model for fewer dimensions)` : ''}.`,
    });
  }
}

// Each index read, holes too: `every` skips a hole, so `new Array(768)` from an embed function
// passed, and the file store wrote its holes as `null`, a line no later read of that file took
// (attack63b).
function everyFinite(values: readonly unknown[]): boolean {
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (!(typeof value === 'number' && Number.isFinite(value))) return false;
  }
  return true;
}

/**
 * Throws unless `limit` is a positive whole number and `minScore` a number from -1 to 1 (or left
 * out): a search's bounds. A bad one answered wrongly without a word (`slice(0, -1)` kept all
 * memories but the worst, `slice(0, NaN)` none, a `NaN` minScore let every memory through). A
 * score is a cosine similarity: `cosineSimilarity` clamps it to [-1, 1], and Memory Bank's
 * `1 - distance` is at most 1 (its distance: "smaller values indicate more similar memories",
 * never negative; Google's RetrieveMemoriesResponse.RetrievedMemory). So a minScore above 1 (30
 * meant as a percent, 1.5) let nothing through and one below -1 meant nothing: each was taken
 * silently and recall found nothing, or everything (run68). @internal
 */
export function checkSearchBounds(limit: unknown, minScore: unknown): void {
  if (!(typeof limit === 'number' && Number.isSafeInteger(limit) && limit > 0)) {
    throw new InvalidArgumentError({
      argument: 'limit',
      message: `A memory search's limit must be a positive whole number (how many memories at most); got ${describeValue(limit)}.`,
    });
  }
  if (minScore === undefined) return;
  if (!(typeof minScore === 'number' && Number.isFinite(minScore))) {
    throw new InvalidArgumentError({
      argument: 'minScore',
      message: `A memory search's minScore must be a finite number (cosine, -1 to 1); got ${describeValue(minScore)}.`,
    });
  }
  if (minScore > 1 || minScore < -1) {
    throw new InvalidArgumentError({
      argument: 'minScore',
      message: `A memory search's minScore is a cosine similarity, from -1 to 1 (1 the same meaning, -1 keeps every memory); got ${minScore}.${meantScore(minScore)}`,
    });
  }
}

/** The hint for a minScore out of range: a percent's fraction, or -1 for one below it. */
function meantScore(minScore: number): string {
  if (minScore < -1) return ' Did you mean -1 (every memory)?';
  return minScore <= 100 && minScore >= 2
    ? ` Did you mean ${minScore / 100} (${minScore} as a percent)?`
    : '';
}
