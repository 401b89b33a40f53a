import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatStoreLockedError } from '../errors/chat-store-locked-error.ts';
import { cleanUp, recordingLogger, temporaryDirectory } from './__fixtures__/chat-fixtures.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';
import { adoptLegacyHistoryFile } from './history-file-lock.ts';
import type { ChatTurn } from './history-store.ts';

afterEach(cleanUp);

// Chat histories written by gemloop at d5ff9c8 (2026-11-23), before 0f643e28 escaped the
// sessions named like Windows devices: `con.jsonl`, not `%63on.jsonl` (see the README there).
const OLD = fileURLToPath(new URL('./__fixtures__/from-d5ff9c8/', import.meta.url));

/** A store folder holding the old version's files, as a user's `./chats` after the upgrade. */
async function upgradedFolder(): Promise<string> {
  const directory = await temporaryDirectory();
  for (const name of ['chat-1.jsonl', 'con.jsonl', 'nul.jsonl']) {
    await copyFile(join(OLD, name), join(directory, name));
  }
  return directory;
}

function texts(turns: readonly ChatTurn[]) {
  return turns.map((turn) => turn.contents.map((content) => content.parts[0]?.text));
}

describe('a file store over an earlier gemloop’s histories', () => {
  it('loads the sessions named like Windows devices from their old files, and goes on in them', async () => {
    const directory = await upgradedFolder();
    const store = createFileHistoryStore({ directory });
    const logger = recordingLogger();

    expect(texts(await store.load('chat-1', { logger }))).toEqual([
      ['Hi', 'First chat answer.'],
      ['Again', 'Second chat answer.'],
    ]);
    // Before the adoption both read as new, empty conversations: the turns were lost.
    expect(texts(await store.load('con', { logger }))).toEqual([
      ['Hi con', 'Con answer one.'],
      ['Again con', 'Con answer two.'],
    ]);
    expect(texts(await store.load('nul', { logger }))).toEqual([['Hi nul', 'Nul answer.']]);

    const [first] = await store.load('con', { logger });
    await store.append('con', { ...(first as ChatTurn), createdAt: 1 }, { logger });
    await store.close();
    expect((await readdir(directory)).sort()).toEqual([
      '%63on.jsonl',
      '%6Eul.jsonl',
      'chat-1.jsonl',
    ]);
    const again = createFileHistoryStore({ directory });
    expect(await again.load('con', { logger })).toHaveLength(3);
    await again.close();
    expect(logger.lines).toEqual([]);
  });

  it('keeps a file this gemloop wrote, and leaves the old one where it is', async () => {
    const directory = await upgradedFolder();
    const store = createFileHistoryStore({ directory });
    const logger = recordingLogger();
    const newer = (await readFile(join(OLD, 'nul.jsonl'), 'utf8')).replaceAll('Hi nul', 'Newer');
    await writeFile(join(directory, '%63on.jsonl'), newer.replaceAll('"nul"', '"con"'));

    expect(texts(await store.load('con', { logger }))).toEqual([['Newer', 'Nul answer.']]);
    await store.close();
    expect(await readFile(join(directory, 'con.jsonl'), 'utf8')).toBe(
      await readFile(join(OLD, 'con.jsonl'), 'utf8'),
    );
  });

  it('refuses while a live process of the earlier version holds the old file, naming it', async () => {
    const directory = await upgradedFolder();
    // The earlier version's lock record (the same shape), of a process that runs: Vitest's parent.
    const holder = { pid: process.ppid, hostname: hostname(), startedAt: 1, threadId: 0 };
    await writeFile(
      join(directory, 'con.jsonl.lock'),
      `${JSON.stringify({ ...holder, token: 'aa' })}\n`,
    );
    const store = createFileHistoryStore({ directory });

    const error = await Promise.resolve()
      .then(() => store.load('con', { logger: recordingLogger() }))
      .catch((thrown: unknown) => thrown);
    expect(ChatStoreLockedError.isInstance(error)).toBe(true);
    expect((error as ChatStoreLockedError).message).toContain('con.jsonl.lock');
    // Nothing moved, and the new file's lock was let go: another try is free to adopt.
    expect((await readdir(directory)).sort()).toEqual([
      'chat-1.jsonl',
      'con.jsonl',
      'con.jsonl.lock',
      'nul.jsonl',
    ]);
    await store.close();
  });

  it('moves nothing on Windows, where the old name was the device and kept no turn', async () => {
    const directory = await upgradedFolder();
    const file = join(directory, '%63on.jsonl');
    await adoptLegacyHistoryFile({ file, sessionId: 'con', operation: 'load', platform: 'win32' });
    expect(await readdir(directory)).toContain('con.jsonl');
    expect(await readdir(directory)).not.toContain('%63on.jsonl');
    // An id whose name never changed has nothing to adopt.
    await adoptLegacyHistoryFile({
      file: join(directory, 'chat-1.jsonl'),
      sessionId: 'chat-1',
      operation: 'load',
      platform: 'linux',
    });
    expect((await readdir(directory)).sort()).toEqual(['chat-1.jsonl', 'con.jsonl', 'nul.jsonl']);
  });
});
