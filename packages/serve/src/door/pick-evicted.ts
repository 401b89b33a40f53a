import type { RunOwner } from '@gemloop/core/web';

/**
 * The key a bounded index of callers' things (MCP sessions and chat sessions, AG-UI threads,
 * OpenAI conversations and responses) forgets when it is full: the first evictable entry in the
 * map's order (the least recently used, or the oldest, as the index keeps it) of the owner who
 * holds the most entries; between owners holding as many, the one whose entry is older. So a
 * caller who makes up ids pushes out their own entries, not another caller's: with one oldest-first
 * bound across owners, a client opening sessions at its rate limit closed every other user's MCP
 * session and cleared their chats' turns. `undefined` when nothing is evictable. O(n), once per
 * entry past the bound. @internal
 */
export function pickEvicted<K, V>(
  entries: ReadonlyMap<K, V>,
  ownerOf: (value: V) => RunOwner,
  evictable: (value: V) => boolean = () => true,
  /** The owner of an entry about to be added (room is made before it is): counted as held. */
  adding?: RunOwner,
  /** What an entry weighs in what its owner holds: 1 (a count), or its bytes for a bound in bytes. */
  weightOf: (value: V) => number = () => 1,
): K | undefined {
  const held = new Map<RunOwner, number>(adding === undefined ? [] : [[adding, 1]]);
  // Each owner's first evictable key, in the order of those keys: the oldest first.
  const firstOf = new Map<RunOwner, K>();
  for (const [key, value] of entries) {
    const owner = ownerOf(value);
    held.set(owner, (held.get(owner) ?? 0) + weightOf(value));
    if (!firstOf.has(owner) && evictable(value)) firstOf.set(owner, key);
  }
  let picked: K | undefined;
  let most = 0;
  for (const [owner, key] of firstOf) {
    const count = held.get(owner) ?? 0;
    if (count > most) {
      most = count;
      picked = key;
    }
  }
  return picked;
}
