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
 * A key, partition or tag as a row holds it: as it is up to {@link MAX_PLAIN_BYTES} without a NUL
 * (Postgres text holds none: "invalid byte sequence for encoding "UTF8": 0x00"), else its first
 * {@link HEAD_CHARS} characters before any NUL, {@link DIGEST_MARK} and the SHA-256 of the whole
 * (hex), so it is found again exactly, and a prefix of it still matches its head.
 * @internal
 */
export function rowKey(value: string): string {
  const nul = value.indexOf('\u0000');
  if (nul === -1 && Buffer.byteLength(value) <= MAX_PLAIN_BYTES) return value;
  let head = value.slice(0, nul === -1 ? HEAD_CHARS : Math.min(nul, HEAD_CHARS));
  // Not half a surrogate pair: Postgres refuses text that is not valid UTF-8.
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  return `${head}${DIGEST_MARK}${createHash('sha256').update(value).digest('hex')}`;
}

/**
 * A prefix to invalidate by, as the table can take it: cut at a NUL, where a key holding it is
 * kept by its head before the NUL (see {@link rowKey}); the cut prefix drops every key it starts
 * (more than asked, a miss later), never keeps one the prefix starts.
 * @internal
 */
export function rowPrefix(prefix: string): string {
  const nul = prefix.indexOf('\u0000');
  return nul === -1 ? prefix : prefix.slice(0, nul);
}
