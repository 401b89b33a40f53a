import { describe, expect, it } from 'vitest';
import { createFileMemoryStore } from './create-file-memory-store.ts';

// attack29's note, leftovers35a: the file memory store made its folder with Node's
// `mkdir(dir, { recursive: true })`, which never settles under /proc (procfs answers ENOENT, Node
// makes the parent and tries again, forever, at 100 % CPU in a pool thread): `add` never ended and
// every later call queued behind it. The bounded `mkdir -p` fails instead.

/** `promise`, or a rejection naming `what` after 10 s (a hang guard, not a timing). */
async function settles<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} never settled`)), 10_000);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}

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
