import { execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { turn } from '@gemloop/testing';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { startGuarded } from '../../../../scripts/start-guarded.ts';
import { createAgent } from '../agent/create-agent.ts';
import { ChatStoreError } from '../errors/chat-store-error.ts';
import { silentLogger } from '../logging/logger.ts';
import { cleanUp, serve, temporaryDirectory } from './__fixtures__/chat-fixtures.ts';
import { createChatSession } from './create-chat-session.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';

// What the file artifact store and the viewer refuse, the chat's file store refuses too: a FIFO
// or a device planted under a session's file name is neither read (a FIFO blocks for ever,
// /dev/zero never ends) nor written through.

afterEach(cleanUp);

const model = 'gemini-2.5-flash';

/** A file opened blockingly would wait for a writer for ever: this one writes nothing after a while. */
function rescue(fifo: string): void {
  // Its `: >` waits for a reader forever once the test is gone: it goes with the test process.
  const rescuer = startGuarded('sh', ['-c', `sleep 20; : > '${fifo}'`], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  onTestFinished(() => {
    rescuer.kill('SIGKILL');
  });
}

describe('the file history store on planted files', () => {
  it('refuses a session file that links to /dev/zero, typed, before any model call (send and turns)', async () => {
    const { fake, gemini } = await serve({ script: [turn.text('never')] });
    const directory = await temporaryDirectory();
    await symlink('/dev/zero', join(directory, 'planted.jsonl'));
    const store = createFileHistoryStore({ directory });
    const chat = createChatSession({ agent: createAgent({ gemini, model }), store, id: 'planted' });
    const error = await chat.send('Hi').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(ChatStoreError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/is not a regular file/);
    expect(fake.modelRequests).toHaveLength(0);
    await expect(chat.turns()).rejects.toThrow(/is not a regular file/);
    await chat.close();
    await store.close();
  });

  it('never blocks on a FIFO named like a session file, to read or to append', async () => {
    const directory = await temporaryDirectory();
    const fifo = join(directory, 'fifo.jsonl');
    execFileSync('mkfifo', [fifo]);
    rescue(fifo);
    const store = createFileHistoryStore({ directory });
    const context = { logger: silentLogger };
    await expect(Promise.resolve(store.load('fifo', context))).rejects.toThrow(
      /is not a regular file/,
    );
    // Opened to append without a reader, a FIFO fails at once (ENXIO) instead of waiting for one.
    await expect(
      Promise.resolve(
        store.append('fifo', { contents: [{ role: 'user', parts: [{ text: 'x' }] }] }, context),
      ),
    ).rejects.toThrow();
    await store.close();
  });

  it('names a history path that is a folder, and the option that fixes it, to append and to load', async () => {
    const folder = await temporaryDirectory();
    const store = createFileHistoryStore({ path: folder });
    const context = { logger: silentLogger };
    const line = { contents: [{ role: 'user' as const, parts: [{ text: 'x' }] }] };
    // A bare `EISDIR: illegal operation on a directory` before.
    const appended = await Promise.resolve(store.append('s', line, context)).catch(
      (thrown: unknown) => thrown,
    );
    expect(ChatStoreError.isInstance(appended)).toBe(true);
    expect(appended).toMatchObject({ operation: 'append', sessionId: 's' });
    expect((appended as Error).message).toContain(`${folder} is a folder`);
    expect((appended as Error).message).toContain(`{ directory: '${folder}' }`);
    expect((appended as Error).cause).toMatchObject({ code: 'EISDIR' });
    const loaded = await Promise.resolve(store.load('s', context)).catch(
      (thrown: unknown) => thrown,
    );
    expect(loaded).toMatchObject({ operation: 'load' });
    expect((loaded as Error).message).toContain(`${folder} is a folder`);
    await store.close();

    // A folder under a session's file name of a directory store, through a chat's send.
    const { fake, gemini } = await serve({ script: [turn.text('never')] });
    const directory = await temporaryDirectory();
    const sessionFolder = join(directory, 'taken.jsonl');
    await mkdir(sessionFolder);
    const sessions = createFileHistoryStore({ directory });
    const chat = createChatSession({
      agent: createAgent({ gemini, model }),
      store: sessions,
      id: 'taken',
    });
    const error = await chat.send('Hi').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(ChatStoreError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`${sessionFolder} is a folder`);
    expect(fake.modelRequests).toHaveLength(0);
    await chat.close();
    await sessions.close();
  });

  it('still follows a symlink to a regular history file kept elsewhere', async () => {
    const { gemini } = await serve({ script: [turn.text('one')] });
    const directory = await temporaryDirectory();
    const elsewhere = join(await temporaryDirectory(), 'kept.jsonl');
    await writeFile(elsewhere, '');
    await symlink(elsewhere, join(directory, 'linked.jsonl'));
    const store = createFileHistoryStore({ directory });
    const chat = createChatSession({ agent: createAgent({ gemini, model }), store, id: 'linked' });
    await chat.send('Hi');
    await chat.close();
    await store.close();
    expect(await readFile(elsewhere, 'utf8')).toContain('"one"');
  });
});
