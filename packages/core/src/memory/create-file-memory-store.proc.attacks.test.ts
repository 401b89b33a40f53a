import { settles } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { createFileMemoryStore } from './create-file-memory-store.ts';

// attack29's note, leftovers35a: the file memory store made its folder with Node's
// `mkdir(dir, { recursive: true })`, which never settles under /proc (procfs answers ENOENT, Node
// makes the parent and tries again, forever, at 100 % CPU in a pool thread): `add` never ended and
// every later call queued behind it. The bounded `mkdir -p` fails instead.

describe('createFileMemoryStore under /proc', () => {
  it('rejects an add instead of hanging', async () => {
    const store = createFileMemoryStore({ path: '/proc/gemloop-attack/memories.jsonl' });
    const error = await settles(
      store
        .add('ana', { kind: 'fact', text: 'Ana likes tea.', embedding: [1, 0] })
        .catch((caught: unknown) => caught),
      'add',
    );
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).not.toContain('never settled');
  });
});
