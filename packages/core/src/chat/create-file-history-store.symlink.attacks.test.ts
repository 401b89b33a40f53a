import { lstat, mkdir, readdir, readFile, rename, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatStoreError } from '../errors/chat-store-error.ts';
import { ChatStoreLockedError } from '../errors/chat-store-locked-error.ts';
import { cleanUp, recordingLogger, temporaryDirectory } from './__fixtures__/chat-fixtures.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';
import type { ChatTurn } from './history-store.ts';

// A history file that is a symbolic link (a container's volume, a deployment's shared folder):
// the store reads, writes and locks the file it points to, and keeps the link (knowledge67 found
// the memory file store renaming its new file over the link; the chat store's `clear` did the same).

afterEach(cleanUp);

const context = () => ({ logger: recordingLogger() });
const turn = (text: string): ChatTurn => ({ contents: [{ role: 'user', parts: [{ text }] }] });
const linesOf = async (file: string): Promise<string[]> =>
  (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');

describe('a file history store on a symbolic link', () => {
  it("clears a session in the linked file and keeps the link (one file's sessions)", async () => {
    const root = await temporaryDirectory();
    await mkdir(join(root, 'shared'));
    const target = join(root, 'shared', 'chat.jsonl');
    const link = join(root, 'chat.jsonl');
    await symlink(target, link);
    const store = createFileHistoryStore({ path: link });
    await store.append('a', turn('for a'), context());
    await store.append('b', turn('for b'), context());

    await store.clear('a', context());

    // Before: `clear` renamed its new file over the link: the link was a file of its own, and
    // the shared file still held `a`'s turn.
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    const lines = await linesOf(target);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('for b');
    expect(lines.join('\n')).not.toContain('for a');
    await store.append('b', turn('b again'), context());
    expect(await store.load('b', context())).toEqual([turn('for b'), turn('b again')]);
    await store.close();
    // Another store on the linked file reads what the first one wrote.
    const reader = createFileHistoryStore({ path: target });
    expect(await reader.load('b', context())).toEqual([turn('for b'), turn('b again')]);
    expect(await reader.load('a', context())).toEqual([]);
    await reader.close();
  });

  it('takes the lock of the linked file: a store on the file itself waits its turn', async () => {
    const root = await temporaryDirectory();
    const target = join(root, 'real.jsonl');
    const link = join(root, 'link.jsonl');
    await symlink(target, link);
    const first = createFileHistoryStore({ path: link });
    await first.append('s', turn('one'), context());
    const second = createFileHistoryStore({ path: target });

    // Before: the two stores locked `link.jsonl.lock` and `real.jsonl.lock`, both wrote the one
    // file, and each one's cache missed the other's turns.
    const error = await Promise.resolve(second.load('s', context())).catch((caught) => caught);
    expect(ChatStoreLockedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'locked', lockFile: `${target}.lock` });

    await first.close();
    expect(await second.load('s', context())).toEqual([turn('one')]);
    await second.close();
  });

  it("clears a session whose own file is a link: the data goes, not only the link (a folder's sessions)", async () => {
    const root = await temporaryDirectory();
    const sessions = join(root, 'sessions');
    await mkdir(sessions);
    const store = createFileHistoryStore({ directory: sessions });
    await store.append('s', turn('made here'), context());
    await store.close();
    // The session's file moved elsewhere and linked back (as an operator moving data does).
    const [name] = (await readdir(sessions)).filter((file) => file.endsWith('.jsonl'));
    const moved = join(root, 'moved.jsonl');
    await rename(join(sessions, name as string), moved);
    await symlink(moved, join(sessions, name as string));

    const again = createFileHistoryStore({ directory: sessions });
    expect(await again.load('s', context())).toEqual([turn('made here')]);
    await again.clear('s', context());
    await again.close();

    // Before: `clear` unlinked the link only, and the session's turns stayed in the moved file.
    await expect(readFile(moved, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    const fresh = createFileHistoryStore({ directory: sessions });
    expect(await fresh.load('s', context())).toEqual([]);
    await fresh.close();
  });

  it('follows a chain of relative links to a file not made yet, and names a loop of links', async () => {
    const root = await temporaryDirectory();
    await mkdir(join(root, 'data'));
    // chat.jsonl -> data/hop.jsonl -> real.jsonl (relative to data/), none of them a file yet.
    await symlink('hop.jsonl', join(root, 'data', 'real-link.jsonl'));
    await symlink('real.jsonl', join(root, 'data', 'hop.jsonl'));
    await symlink(join('data', 'real-link.jsonl'), join(root, 'chat.jsonl'));
    const store = createFileHistoryStore({ path: join(root, 'chat.jsonl') });
    await store.append('a', turn('one'), context());
    await store.append('b', turn('two'), context());
    await store.clear('a', context());
    await store.close();
    expect((await lstat(join(root, 'chat.jsonl'))).isSymbolicLink()).toBe(true);
    expect((await lstat(join(root, 'data', 'hop.jsonl'))).isSymbolicLink()).toBe(true);
    const lines = await linesOf(join(root, 'data', 'real.jsonl'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('two');

    await symlink('loop-b.jsonl', join(root, 'loop-a.jsonl'));
    await symlink('loop-a.jsonl', join(root, 'loop-b.jsonl'));
    const looped = createFileHistoryStore({ path: join(root, 'loop-a.jsonl') });
    const error = await Promise.resolve(looped.append('s', turn('x'), context())).catch(
      (caught) => caught,
    );
    expect(ChatStoreError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('loop-a.jsonl');
    expect((error as Error).message).toMatch(/leads back to itself/);
  });
});
