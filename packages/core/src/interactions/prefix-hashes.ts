import type { Content } from '../wire/content.ts';

/** FNV-1a over 32 bits twice (two seeds): cheap, and a collision needs both to collide. */
function hashOf(previous: string, content: unknown): string {
  const text = previous + JSON.stringify(content);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
  }
  return `${(a >>> 0).toString(36)}.${(b >>> 0).toString(36)}.${text.length}`;
}

// A content's chain hash, by the content object and the hash before it, per scope (one agent run:
// the `bodyCache` of its model calls): the agent passes the same content objects step after step,
// so each step hashes only its new contents (O(new), not O(history); measured in
// bench/src/interactions). Never across runs: a history edited in place between two runs (a
// secret redacted from an earlier turn) must hash as it is now, as ContentJsonCache serialises it.
// why (cache): a pure function of the content object and the hash before it, scoped to one run's
// body cache so that it never outlives the run.
const scopes = new WeakMap<object, WeakMap<object, { previous: string; hash: string }>>();

/**
 * The chain hash of each prefix of `contents` (entry `n` covers contents `0..n`): the key under
 * which the Interactions entry remembers the interaction that answered a history. Hashes are
 * reused within `scope` (a run, which never edits a content it sent); without one, all are made.
 * @internal
 */
export function prefixHashes(contents: Content[], scope?: object | undefined): string[] {
  let chained: WeakMap<object, { previous: string; hash: string }> | undefined;
  if (scope !== undefined) {
    chained = scopes.get(scope);
    if (chained === undefined) {
      chained = new WeakMap();
      scopes.set(scope, chained);
    }
  }
  const hashes: string[] = [];
  let previous = '';
  for (const content of contents) {
    const known = chained?.get(content);
    let hash: string;
    if (known !== undefined && known.previous === previous) hash = known.hash;
    else {
      hash = hashOf(previous, content);
      chained?.set(content, { previous, hash });
    }
    hashes.push(hash);
    previous = hash;
  }
  return hashes;
}
