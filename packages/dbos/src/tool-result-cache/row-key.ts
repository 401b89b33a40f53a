import { createHash } from 'node:crypto';

/**
 * The longest key or partition (UTF-8 bytes) a row holds as it is. The table's primary key is a
 * B-tree over both, whose entries hold at most about 2,700 bytes ("index row size … exceeds btree
 * version 4 maximum 2704", postgresql.org/docs/current/btree.html#BTREE-IMPLEMENTATION): two of
 * these and the tuple's header stay under it.
 */
const MAX_PLAIN_BYTES = 1024;

/** How many characters of a longer key a row keeps before its digest (for prefix invalidation). */
const HEAD_CHARS = 256;

/**
 * What stands between a long key's head and its digest in a row. Canonical JSON (a default key)
 * writes U+0001 as an escape, so no default key holds it: only an app's `cacheKey` could, and such
 * a key is at worst invalidated with a long one sharing its head, never served for it (the entry's
 * digest binds its text to the whole key).
 */
export const DIGEST_MARK = '\u0001sha256:';

/**
 * A key or partition as a row holds it: as it is up to {@link MAX_PLAIN_BYTES}, else its first
 * {@link HEAD_CHARS} characters, {@link DIGEST_MARK} and the SHA-256 of the whole (hex), so a long
 * one is found again exactly, and a prefix of it still matches its head.
 * @internal
 */
export function rowKey(value: string): string {
  if (Buffer.byteLength(value) <= MAX_PLAIN_BYTES) return value;
  let head = value.slice(0, HEAD_CHARS);
  // Not half a surrogate pair: Postgres refuses text that is not valid UTF-8.
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  return `${head}${DIGEST_MARK}${createHash('sha256').update(value).digest('hex')}`;
}
