import { describe, expect, it } from 'vitest';
import { ChatStoreError } from './chat-store-error.ts';
import { ChatStoreLockedError } from './chat-store-locked-error.ts';
import { GemloopError } from './gemloop-error.ts';

const file = '/data/chats/session-1.jsonl';
const lockFile = '/data/chats/session-1.jsonl.lock';

function locked(
  holder: ConstructorParameters<typeof ChatStoreLockedError>[0]['holder'],
  sameProcess = false,
): ChatStoreLockedError {
  return new ChatStoreLockedError({
    file,
    lockFile,
    holder,
    sameProcess,
    operation: 'load',
    sessionId: 'session-1',
  });
}

describe('ChatStoreLockedError', () => {
  it('names the other process, its host and when it started, and how to free the file', () => {
    const error = locked({ pid: 4242, hostname: 'build-7', startedAt: Date.UTC(2026, 10, 26) });
    expect(error.message).toContain(
      `in use by process 4242 on build-7 (started 2026-11-26T00:00:00.000Z), which holds ${lockFile}`,
    );
    expect(error.message).toContain(`If that process is gone`);
    expect(error.message).toContain(`delete ${lockFile}`);
    expect(error).toMatchObject({
      code: 'chat-store-locked',
      reason: 'locked',
      file,
      lockFile,
      holder: { pid: 4242, hostname: 'build-7' },
      operation: 'load',
      sessionId: 'session-1',
    });
  });

  it('tells a second store of the same process to share one store, not to kill a process', () => {
    const error = locked({ pid: process.pid, hostname: 'here', startedAt: 0 }, true);
    expect(error.message).toContain('another file history store of this process');
    expect(error.message).toContain('share it');
    expect(error.message).not.toContain('stop the other process');
    expect(error.message).not.toContain('delete');
  });

  it('says the lock file could not be read when nobody is named in it', () => {
    const error = locked(undefined);
    expect(error.message).toContain(`locked by ${lockFile}, which cannot be read`);
    expect(error.message).toContain(`If no process uses the file, delete ${lockFile}.`);
    expect(error.holder).toBeUndefined();
  });

  it('is built whatever start time a hostile or damaged lock file holds', () => {
    // The lock file is read from disk: any JSON number can stand in startedAt. Date's range ends
    // at 8.64e15 ms; toISOString past it throws a RangeError, which would replace this error.
    for (const startedAt of [1e20, -1e20, Number.MAX_VALUE, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = locked({ pid: 7, hostname: 'other', startedAt });
      expect(ChatStoreLockedError.isInstance(error)).toBe(true);
      expect(error.message).toContain('in use by process 7 on other, which holds');
      expect(error.message).not.toContain('started');
    }
  });

  it('is a chat store error and a gemloop error, and each isInstance tells them apart', () => {
    const error = locked(undefined);
    expect(ChatStoreError.isInstance(error)).toBe(true);
    expect(GemloopError.isInstance(error)).toBe(true);
    const plain = new ChatStoreError({ message: 'x', operation: 'append', sessionId: 's' });
    expect(ChatStoreLockedError.isInstance(plain)).toBe(false);
    expect(ChatStoreError.isInstance(plain)).toBe(true);
  });
});
