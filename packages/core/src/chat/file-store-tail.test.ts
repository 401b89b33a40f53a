import fsp, { appendFile, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createScriptedGemini, textTurn } from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { ChatHistoryCorruptError } from '../errors/chat-history-corrupt-error.ts';
import type { Content } from '../wire/content.ts';
import { cleanUp, recordingLogger, temporaryDirectory } from './__fixtures__/chat-fixtures.ts';
import type { ChatHistoryLimit } from './chat-history-limit.ts';
import { createChatSession } from './create-chat-session.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';
import { toHistoryLine } from './history-file.ts';
import type { ChatTurn } from './history-store.ts';
import { selectHistory } from './select-history.ts';

afterEach(async () => {
  vi.restoreAllMocks();
  await cleanUp();
});

function question(index: number, answer = `Answer ${index}`, tokenCount?: number): ChatTurn {
  return {
    contents: [
      { role: 'user', parts: [{ text: `Question ${index}` }] },
      { role: 'model', parts: [{ text: answer }] },
    ],
    createdAt: index,
    tokenCount,
  };
}

/** A turn that continues the one before (a function response): it can never start the history. */
function continuation(index: number): ChatTurn {
  return {
    contents: [
      { role: 'user', parts: [{ functionResponse: { name: 'f', response: { index } } }] },
      { role: 'model', parts: [{ text: `Then ${index}` }] },
    ],
    createdAt: index,
  };
}

/**
 * Watches what the store does from now on: the history lines it parses (`JSON.parse` of a line
 * as the store writes them), every read through node:fs/promises, and the largest single read.
 */
async function watchReads(probeFile: string) {
  const seen = { parsedLines: 0, parsedBytes: 0, bytesRead: 0, largestRead: 0, readFiles: 0 };
  const parse = JSON.parse;
  vi.spyOn(JSON, 'parse').mockImplementation(
    (text: string, reviver?: Parameters<typeof parse>[1]) => {
      if (typeof text === 'string' && text.startsWith('{"v":1,')) {
        seen.parsedLines++;
        seen.parsedBytes += text.length;
      }
      return parse(text, reviver);
    },
  );
  const readFile = fsp.readFile;
  vi.spyOn(fsp, 'readFile').mockImplementation(async (...args: Parameters<typeof readFile>) => {
    const result = await readFile(...args);
    seen.readFiles++;
    seen.bytesRead += result.length;
    return result;
  });
  const probe = await open(probeFile, 'w');
  const handlePrototype = Object.getPrototypeOf(probe) as {
    read: (...args: unknown[]) => Promise<{ bytesRead: number }>;
  };
  await probe.close();
  const read = handlePrototype.read;
  vi.spyOn(handlePrototype, 'read').mockImplementation(async function (this: unknown, ...args) {
    const result = await read.apply(this, args);
    seen.bytesRead += result.bytesRead;
    seen.largestRead = Math.max(seen.largestRead, result.bytesRead);
    return result;
  });
  return seen;
}

/** Writes `turns` of session `id` as the store does, returning the text. */
async function writeHistory(file: string, turns: ChatTurn[], id = 's'): Promise<string> {
  const text = turns.map((turn) => toHistoryLine(id, turn)).join('');
  await writeFile(file, text);
  return text;
}

const sentTexts = (contents: Content[]) => contents.map((content) => content.parts[0]?.text);

describe('the file store with a limited session', () => {
  it('parses and holds only the newest turns at the first send of a large file', async () => {
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ directory, fsync: false });
    const stored = 10_000;
    const turns = Array.from({ length: stored }, (_, index) =>
      question(index, `Answer ${index} ${'lorem ipsum '.repeat(170)}`),
    );
    const text = await writeHistory(store.filePath('s'), turns);
    const gemini = createScriptedGemini([textTurn('one'), textTurn('two'), textTurn('three')]);
    const chat = createChatSession({
      agent: createAgent({ gemini, model: 'gemini-3-flash-preview' }),
      store,
      id: 's',
      limit: { maxTurns: 5 },
    });

    const reads = await watchReads(join(directory, 'probe'));
    const first = await chat.send('First');
    const atFirst = { ...reads };
    const second = await chat.send('Second');
    const third = await chat.send('Third');

    expect(text.length).toBeGreaterThan(20_000_000);
    // The five lines sent and the line appended; nothing else is parsed, so nothing else is held.
    expect(atFirst.parsedLines).toBe(6);
    expect(atFirst.parsedBytes).toBeLessThan(6 * 2_200);
    // The older lines are counted in one pass over them, a block at a time, not read whole.
    expect(atFirst.readFiles).toBe(0);
    expect(atFirst.largestRead).toBeLessThanOrEqual(1 << 20);
    expect(atFirst.bytesRead).toBeLessThan(text.length + (1 << 20));
    // The later sends parse only the line each appends, and read only the file's last byte
    // (the torn-line check before each append).
    expect(reads.parsedLines - atFirst.parsedLines).toBe(2);
    expect(reads.bytesRead - atFirst.bytesRead).toBe(2);

    expect(first.chat).toMatchObject({ sentTurns: 5, droppedTurns: stored - 5 });
    expect(second.chat).toMatchObject({ sentTurns: 5, droppedTurns: stored - 4 });
    expect(third.chat).toMatchObject({ sentTurns: 5, droppedTurns: stored - 3 });
    expect(sentTexts(gemini.contentsOf(0))[0]).toBe(`Question ${stored - 5}`);
    expect(sentTexts(gemini.contentsOf(2)).slice(-5)).toEqual([
      'First',
      'one',
      'Second',
      'two',
      'Third',
    ]);
    await chat.close();
    const all = await store.load('s', { logger: recordingLogger() });
    expect(all).toHaveLength(stored + 3);
    expect(all[stored - 1]).toEqual(turns[stored - 1]);
  });

  it('ignores a torn last line longer than a block, and still counts the older turns', async () => {
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ directory, fsync: false });
    const stored = 300;
    await writeHistory(
      store.filePath('s'),
      Array.from({ length: stored }, (_, index) => question(index)),
    );
    const torn = toHistoryLine('s', question(stored, 'x'.repeat(100_000))).slice(0, 90_000);
    await appendFile(store.filePath('s'), torn);
    const logger = recordingLogger();
    const gemini = createScriptedGemini([textTurn('Fine.')]);
    const chat = createChatSession({
      agent: createAgent({ gemini, model: 'gemini-3-flash-preview' }),
      store,
      id: 's',
      limit: { maxTurns: 2 },
      logger,
    });

    const result = await chat.send('Next');

    expect(result.chat).toMatchObject({ sentTurns: 2, droppedTurns: stored - 2 });
    expect(sentTexts(gemini.contentsOf(0))).toEqual([
      `Question ${stored - 2}`,
      `Answer ${stored - 2}`,
      `Question ${stored - 1}`,
      `Answer ${stored - 1}`,
      'Next',
    ]);
    expect(logger.lines.filter((line) => line.level === 'warn').map((line) => line.fields)).toEqual(
      [expect.objectContaining({ bytes: 90_000 }), expect.objectContaining({ bytes: 90_000 })],
    );
    const lines = (await readFile(store.filePath('s'), 'utf8')).split('\n');
    expect(lines).toHaveLength(stored + 2);
    expect(JSON.parse(lines[stored] as string).contents[0].parts[0].text).toBe('Next');
  });

  it('decodes multi-byte characters that a 64 KiB block boundary splits', async () => {
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ directory, fsync: false });
    // Answers of 3-byte characters, with no JSON escapes: every boundary inside a line splits one.
    const turns = Array.from({ length: 100 }, (_, index) =>
      question(index, `${index} ${'€😀é'.repeat(400 + index)}`),
    );
    const text = await writeHistory(store.filePath('s'), turns);
    const bytes = Buffer.from(text, 'utf8');
    // Blocks are read backwards from the last newline: check the file splits a character there.
    const boundaries = [1, 2, 3, 4, 5].map((block) => bytes.length - 1 - block * 65_536);
    expect(boundaries.some((boundary) => (bytes[boundary] as number) >> 6 === 0b10)).toBe(true);

    const recent = await store.loadRecent('s', { maxTurns: 80 }, { logger: recordingLogger() });

    expect(recent.olderTurns).toBe(20);
    expect(recent.turns).toEqual(turns.slice(20));
  });

  it('sends the same history as a full read, in a shared file with glued turns and blank lines', async () => {
    const file = join(await temporaryDirectory(), 'chats.jsonl');
    const turns: ChatTurn[] = [];
    let text = '';
    for (let index = 0; index < 60; index++) {
      const turn = index % 4 === 1 || index % 7 === 3 ? continuation(index) : question(index);
      turn.tokenCount = index % 5 === 0 ? undefined : 10 + (index % 9) * 7;
      turns.push(turn);
      text += toHistoryLine('s', turn);
      if (index % 3 === 0) text += toHistoryLine('other', question(1000 + index));
      if (index % 11 === 0) text += '\n';
    }
    await writeFile(file, text);
    const limits: ChatHistoryLimit[] = [
      { maxTurns: 0 },
      { maxTurns: 1 },
      { maxTurns: 5 },
      { maxTokens: 50 },
      { maxTokens: 400 },
      { maxTurns: 9, maxTokens: 300 },
      { maxTurns: 200 },
      { maxTokens: 1_000_000 },
      { maxTurns: 3 },
    ];
    const logger = recordingLogger();
    const check = async (
      store: ReturnType<typeof createFileHistoryStore>,
      limit: ChatHistoryLimit,
    ) => {
      const recent = await store.loadRecent('s', limit, { logger });
      expect(
        selectHistory(recent.turns, limit, 3, recent.olderTurns),
        JSON.stringify(limit),
      ).toEqual(selectHistory(turns, limit, 3));
    };
    // One store through every limit: the turns it holds trimmed, or read further back.
    const kept = createFileHistoryStore({ path: file, fsync: false });
    for (const limit of limits) await check(kept, limit);
    await kept.close();
    // A new store for each: read from the end.
    for (const limit of limits) {
      const fresh = createFileHistoryStore({ path: file, fsync: false });
      await check(fresh, limit);
      await fresh.close();
    }
    expect(logger.lines).toEqual([]);
  });

  it('counts a damaged older line without parsing it; a full read reports it', async () => {
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ directory, fsync: false });
    const lines = Array.from({ length: 50 }, (_, index) => toHistoryLine('s', question(index)));
    lines[2] = '{"v":1,"id":"s","createdAt":2,"contents":[{"role":"user","parts":[{"te\n';
    await writeFile(store.filePath('s'), lines.join(''));
    const context = { logger: recordingLogger() };

    const recent = await store.loadRecent('s', { maxTurns: 5 }, context);
    expect(recent.olderTurns).toBe(45);
    const error = await Promise.resolve(store.load('s', context)).catch(
      (caught: unknown) => caught,
    );
    expect(ChatHistoryCorruptError.isInstance(error) && error.line).toBe(3);
  });

  it('reads the whole file when an older line is not as the store writes it', async () => {
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ directory, fsync: false });
    const lines = Array.from({ length: 30 }, (_, index) => toHistoryLine('s', question(index)));
    // Written by hand: the same turn, keys in another order. Then a line that is no turn.
    lines[1] = `${JSON.stringify({ id: 's', v: 1, contents: question(1).contents, createdAt: 1 })}\n`;
    await writeFile(store.filePath('s'), lines.join(''));
    const context = { logger: recordingLogger() };
    const recent = await store.loadRecent('s', { maxTurns: 5 }, context);
    expect(recent.olderTurns).toBe(25);
    expect(recent.turns.map((turn) => turn.createdAt)).toEqual([25, 26, 27, 28, 29]);

    lines[1] = 'not a turn\n';
    await writeFile(store.filePath('s'), lines.join(''));
    const error = await store.loadRecent('s', { maxTurns: 5 }, context).catch((caught) => caught);
    expect(ChatHistoryCorruptError.isInstance(error) && error.line).toBe(2);
  });

  it('reports a corrupt line among the newest by its line number', async () => {
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ directory, fsync: false });
    const lines = Array.from({ length: 30 }, (_, index) => toHistoryLine('s', question(index)));
    lines[27] = '{"v":1,"id":"s","contents":[]}\n';
    await writeFile(store.filePath('s'), lines.join(''));
    const error = await store
      .loadRecent('s', { maxTurns: 5 }, { logger: recordingLogger() })
      .catch((caught: unknown) => caught);
    expect(ChatHistoryCorruptError.isInstance(error) && error.line).toBe(28);
  });
});

describe('a session with a store that has loadRecent', () => {
  it('refuses a result without an exact olderTurns', async () => {
    const gemini = createScriptedGemini([]);
    const chat = createChatSession({
      agent: createAgent({ gemini, model: 'gemini-3-flash-preview' }),
      store: {
        load: () => [],
        loadRecent: () => ({ turns: [], olderTurns: -1 }),
        append: () => {},
        clear: () => {},
      },
      limit: { maxTurns: 3 },
    });
    await expect(chat.send('Hi')).rejects.toThrow(/olderTurns >= 0/);
    expect(gemini.calls).toHaveLength(0);
  });
});
