import { settles } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from './__fixtures__/chat-fixtures.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';
import type { ChatTurn } from './history-store.ts';

// attack29's note, leftovers35a: the chat file store's append and its lock made their folder with
// Node's `mkdir(dir, { recursive: true })`, which never settles under /proc (procfs answers ENOENT,
// Node makes the parent and tries again, forever, at 100 % CPU in a pool thread): the session's
// turn never ended. Both go through the bounded `mkdir -p` now and fail with the folder's error.

const turn: ChatTurn = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };

describe('createFileHistoryStore under /proc', () => {
  it.each([
    ['directory', { directory: '/proc/gemloop-attack/chats' }],
    ['path', { path: '/proc/gemloop-attack/chats/all.jsonl' }],
  ] as const)('rejects an append with { %s } instead of hanging', async (_, options) => {
    const store = createFileHistoryStore(options);
    const error = await settles(
      Promise.resolve(store.append('s', turn, { logger: recordingLogger() })).catch(
        (caught: unknown) => caught,
      ),
      'append',
    );
    // The lock's folder is made first: its failure is Node's, as an unwritable folder's EACCES is.
    expect(error).toMatchObject({ code: 'ENOENT', message: expect.stringContaining('mkdir') });
  });
});
