import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryArtifactStore } from './artifact-store.ts';
import { createFileArtifactStore } from './create-file-artifact-store.ts';

// attack17: the artifact stores checked `maxBytes` and then read it again, so an options object
// whose getter (or Proxy) gave the check 64 and the store 1e300 held a hostile tool result of any
// size (attack13 refused such a value only when the check saw it). Now each option is read once.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Options whose `maxBytes` is 64 at the first read and 1e300 at every later one. */
function shiftingBound<Options extends object>(options: Options): Options & { maxBytes: number } {
  let reads = 0;
  return Object.defineProperty(options, 'maxBytes', {
    enumerable: true,
    get: () => (reads++ === 0 ? 64 : 1e300),
  }) as Options & { maxBytes: number };
}

const big = 'x'.repeat(10_000);

describe('the artifact stores against a maxBytes getter', () => {
  it('the memory store keeps the bound the check saw', () => {
    const store = createMemoryArtifactStore(shiftingBound({}));
    store.put('a1', big);
    expect(store.get('a1')).toBeUndefined();
    store.put('a2', 'x'.repeat(16));
    expect(store.get('a2')).toBe('x'.repeat(16));
  });

  it('the file store keeps the bound the check saw, and writes nothing past it', () => {
    const directory = mkdtempSync(join(tmpdir(), 'gemloop-artifacts-'));
    dirs.push(directory);
    const store = createFileArtifactStore(shiftingBound({ directory }));
    // The file store takes only the ids gemloop makes.
    const id = crypto.randomUUID();
    store.put(id, big);
    expect(store.get(id)).toBeUndefined();
    expect(readdirSync(directory)).toEqual([]);
    const small = crypto.randomUUID();
    store.put(small, 'x'.repeat(16));
    expect(store.get(small)).toBe('x'.repeat(16));
  });
});
