import fsp, { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createScriptedGemini, textTurn } from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { cleanUp, temporaryDirectory } from './__fixtures__/chat-fixtures.ts';
import { createChatSession } from './create-chat-session.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';
import { toHistoryLine } from './history-file.ts';

afterEach(async () => {
  vi.restoreAllMocks();
  await cleanUp();
});

/** Counts the bytes the process reads through node:fs/promises from now on. */
async function countReads(probeFile: string): Promise<{ bytes: number }> {
  const counter = { bytes: 0 };
  const readFile = fsp.readFile;
  vi.spyOn(fsp, 'readFile').mockImplementation(async (...args: Parameters<typeof readFile>) => {
    const result = await readFile(...args);
    counter.bytes += result.length;
    return result;
  });
  const probe = await open(probeFile, 'w');
  const handlePrototype = Object.getPrototypeOf(probe) as {
    read: (...args: unknown[]) => Promise<{ bytesRead: number }>;
    readFile: (...args: unknown[]) => Promise<Buffer | string>;
  };
  await probe.close();
  const read = handlePrototype.read;
  vi.spyOn(handlePrototype, 'read').mockImplementation(async function (this: unknown, ...args) {
    const result = await read.apply(this, args);
    counter.bytes += result.bytesRead;
    return result;
  });
  const handleReadFile = handlePrototype.readFile;
  vi.spyOn(handlePrototype, 'readFile').mockImplementation(async function (this: unknown, ...args) {
    const result = await handleReadFile.apply(this, args);
    counter.bytes += result.length;
    return result;
  });
  return counter;
}

describe('the file store on a large history', () => {
  it('reads a bounded amount per send with maxTurns, not the whole file each time', async () => {
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ directory, fsync: false });
    const stored = 2000;
    let text = '';
    for (let index = 0; index < stored; index++) {
      text += toHistoryLine('s', {
        contents: [
          { role: 'user', parts: [{ text: `Question ${index}` }] },
          { role: 'model', parts: [{ text: `Answer ${index} ${'.'.repeat(2000)}` }] },
        ],
        createdAt: index,
      });
    }
    await writeFile(store.filePath('s'), text);
    const gemini = createScriptedGemini([textTurn('one'), textTurn('two'), textTurn('three')]);
    const chat = createChatSession({
      agent: createAgent({ gemini, model: 'gemini-3-flash-preview' }),
      store,
      id: 's',
      limit: { maxTurns: 5 },
    });
    await chat.send('First');

    const reads = await countReads(join(directory, 'probe'));
    const second = await chat.send('Second');
    const third = await chat.send('Third');

    expect(text.length).toBeGreaterThan(4_000_000);
    expect(reads.bytes).toBeLessThan(64 * 1024);
    expect(second.chat).toMatchObject({ sentTurns: 5, droppedTurns: stored - 4 });
    expect(third.chat).toMatchObject({ sentTurns: 5, droppedTurns: stored - 3 });
    expect(gemini.contentsOf(2)[0]?.parts[0]?.text).toBe(`Question ${stored - 3}`);
    expect((await chat.turns()).length).toBe(stored + 3);
  });
});
