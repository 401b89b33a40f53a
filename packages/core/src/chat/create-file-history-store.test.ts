import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatHistoryCorruptError } from '../errors/chat-history-corrupt-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Content } from '../wire/content.ts';
import {
  cleanUp,
  recordingLogger,
  temporaryDirectory,
  thrownBy,
} from './__fixtures__/chat-fixtures.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';
import type { ChatTurn } from './history-store.ts';

afterEach(cleanUp);

function chatTurn(question: string, answer = `Re: ${question}`): ChatTurn {
  const contents: Content[] = [
    { role: 'user', parts: [{ text: question }] },
    { role: 'model', parts: [{ text: answer, thoughtSignature: 'c2lnbmVk' }] },
  ];
  return { contents, tokenCount: 12, createdAt: 1_700_000_000_000 };
}

function context() {
  return { logger: recordingLogger() };
}

describe('createFileHistoryStore', () => {
  it('writes one JSON line per turn and loads the turns back as saved', async () => {
    const directory = join(await temporaryDirectory(), 'not-yet-created');
    const store = createFileHistoryStore({ directory });
    const { logger } = context();

    expect(await store.load('user-42', { logger })).toEqual([]);
    await store.append('user-42', chatTurn('Hi'), { logger });
    await store.append('user-42', chatTurn('Multi\nline "quoted" ✓'), { logger });

    const lines = (await readFile(store.filePath('user-42'), 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0] as string)).toEqual({ v: 1, id: 'user-42', ...chatTurn('Hi') });
    expect(await store.load('user-42', { logger })).toEqual([
      chatTurn('Hi'),
      chatTurn('Multi\nline "quoted" ✓'),
    ]);
    expect(logger.lines).toEqual([]);
  });

  it("keeps a turn's interaction id, and reads a malformed one back as absent", async () => {
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ directory });
    const { logger } = context();
    const withId = { ...chatTurn('Hi'), interactionId: 'v1_ChdXS0_x-y.z~' };
    await store.append('s', withId, { logger });
    expect(await store.load('s', { logger })).toEqual([withId]);
    await store.close();
    // A hand-edited line: an id that is no interaction id (a path, too long) is dropped.
    for (const bad of ['../../etc/passwd', 'x'.repeat(513), 42]) {
      await writeFile(
        store.filePath('s'),
        `${JSON.stringify({ v: 1, id: 's', ...chatTurn('Hi'), interactionId: bad })}\n`,
      );
      // A new store (the first one keeps what it wrote in memory): the file is read again.
      const reader = createFileHistoryStore({ directory });
      expect(await reader.load('s', { logger })).toEqual([chatTurn('Hi')]);
      await reader.close();
    }
  });

  it('ignores a torn last line with a warning, and cuts it off before the next append', async () => {
    const store = createFileHistoryStore({ path: join(await temporaryDirectory(), 'chat.jsonl') });
    const file = store.filePath('s');
    await store.append('s', chatTurn('Kept'), context());
    const whole = await readFile(file, 'utf8');
    // A crash in the middle of the next write leaves part of a line.
    const torn = JSON.stringify({ v: 1, id: 's', ...chatTurn('Lost') }).slice(0, 37);
    await appendFile(file, torn);
    const { logger } = context();

    expect(await store.load('s', { logger })).toEqual([chatTurn('Kept')]);
    expect(logger.lines).toEqual([
      expect.objectContaining({ level: 'warn', fields: { file, bytes: 37 } }),
    ]);

    await store.append('s', chatTurn('Next'), { logger });

    const { contents, tokenCount, createdAt } = chatTurn('Next');
    expect(await readFile(file, 'utf8')).toBe(
      `${whole}${JSON.stringify({ v: 1, id: 's', createdAt, tokenCount, contents })}\n`,
    );
    expect(await store.load('s', context())).toEqual([chatTurn('Kept'), chatTurn('Next')]);
    expect(logger.lines.map((line) => line.message)).toEqual([
      expect.stringMatching(/torn line .* ignored it/),
      expect.stringMatching(/torn line .* removed it before appending/),
    ]);
  });

  it('treats a last line without its newline as torn even when its JSON is complete', async () => {
    const store = createFileHistoryStore({ directory: await temporaryDirectory() });
    const file = store.filePath('s');
    await writeFile(file, JSON.stringify({ v: 1, id: 's', ...chatTurn('Unconfirmed') }));

    expect(await store.load('s', context())).toEqual([]);
    await store.append('s', chatTurn('After'), context());
    expect(await store.load('s', context())).toEqual([chatTurn('After')]);
  });

  it('cuts a torn tail longer than its read buffer, and a file that is all torn', async () => {
    const store = createFileHistoryStore({ directory: await temporaryDirectory() });
    const file = store.filePath('s');
    await writeFile(
      file,
      `${JSON.stringify({ v: 1, id: 's', ...chatTurn('A') })}\n${'x'.repeat(200_000)}`,
    );
    await store.append('s', chatTurn('B'), context());
    expect(await store.load('s', context())).toEqual([chatTurn('A'), chatTurn('B')]);

    await writeFile(file, 'y'.repeat(70_000));
    await store.append('s', chatTurn('C'), context());
    expect(await store.load('s', context())).toEqual([chatTurn('C')]);
  });

  it.each([
    ['not JSON', '{"v":1,"id":"s","contents":[', /not valid JSON/],
    ['not an object', '[1,2]', /not a JSON object/],
    ['no contents', '{"v":1,"id":"s"}', /"contents" is not a non-empty array/],
    ['empty contents', '{"v":1,"id":"s","contents":[]}', /"contents" is not a non-empty array/],
    ['contents without parts', '{"v":1,"id":"s","contents":[{"role":"user"}]}', /"contents"/],
    ['no id', '{"v":1,"contents":[{"parts":[]}]}', /no string "id"/],
    ['a newer format', '{"v":2,"id":"s","contents":[{"parts":[]}]}', /format version 2/],
    ['another session', '{"v":1,"id":"t","contents":[{"parts":[]}]}', /belongs to session "t"/],
  ])(
    'refuses a middle line that is %s with ChatHistoryCorruptError naming the file and line',
    async (_name, line, reason) => {
      const store = createFileHistoryStore({ directory: await temporaryDirectory() });
      const file = store.filePath('s');
      const good = JSON.stringify({ v: 1, id: 's', ...chatTurn('A') });
      await writeFile(file, `${good}\n\n${line}\n${good}\n`);

      const error = await Promise.resolve(store.load('s', context())).catch(
        (caught: unknown) => caught,
      );

      expect(ChatHistoryCorruptError.isInstance(error)).toBe(true);
      const corrupt = error as ChatHistoryCorruptError;
      expect(corrupt.file).toBe(file);
      expect(corrupt.line).toBe(3);
      expect(corrupt.sessionId).toBe('s');
      expect(corrupt.operation).toBe('load');
      expect(corrupt.reason).toMatch(reason);
      expect(corrupt.message).toContain(`${file} is corrupt at line 3`);
    },
  );

  it('keeps every session in one file with { path }, and clears one without touching the others', async () => {
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ path: join(directory, 'all.jsonl'), fsync: false });
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        store.append(index % 2 === 0 ? 'even' : 'odd', chatTurn(`#${index}`), context()),
      ),
    );

    expect((await store.load('even', context())).map((t) => t.contents[0]?.parts[0]?.text)).toEqual(
      ['#0', '#2', '#4', '#6', '#8', '#10', '#12', '#14', '#16', '#18'],
    );
    await store.clear('even', context());
    await store.clear('missing', context());

    expect(await store.load('even', context())).toEqual([]);
    expect(await store.load('odd', context())).toHaveLength(10);
    await store.close();
    expect(await readdir(directory)).toEqual(['all.jsonl']);
  });

  it('clears a session file with { directory }', async () => {
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ directory });
    await store.append('a', chatTurn('A'), context());
    await store.append('b', chatTurn('B'), context());

    await store.clear('a', context());
    await store.clear('a', context());

    expect(await store.load('a', context())).toEqual([]);
    await store.close();
    expect(await readdir(directory)).toEqual(['b.jsonl']);
  });

  it('names files so that no id escapes the directory or shares a file with another', async () => {
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ directory });
    const ids = [
      'a',
      'A',
      '../escape',
      '..',
      '.',
      'a/b',
      'a%2Fb',
      'é',
      'x'.repeat(300),
      'x'.repeat(301),
    ];

    for (const id of ids) await store.append(id, chatTurn(id), context());
    await store.close();

    const names = await readdir(directory);
    expect(names).toHaveLength(ids.length);
    expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(ids.length);
    for (const name of names) {
      expect(name).toMatch(/^[a-z0-9_%A-F~-]+\.jsonl$/);
      expect(name.length).toBeLessThanOrEqual(255);
    }
    for (const id of ids) {
      expect(store.filePath(id).startsWith(`${directory}/`)).toBe(true);
      expect((await store.load(id, context()))[0]?.contents[0]?.parts[0]?.text).toBe(id);
    }
  });

  it('never names a file after a Windows device (con, nul, com1, ...), whose writes go nowhere', async () => {
    // On Windows `nul.jsonl` is the null device and `con.jsonl` the console, whatever the
    // extension: a session with such an id would be written to no file and load back empty.
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ directory });
    const ids = ['con', 'prn', 'aux', 'nul', 'com1', 'com9', 'lpt0', 'lpt1', '%6Eul'];
    for (const id of ids) await store.append(id, chatTurn(id), context());
    await store.close();

    const names = await readdir(directory);
    expect(names).toHaveLength(ids.length);
    for (const name of names) {
      expect(name.split('.')[0]).not.toMatch(/^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i);
    }
    for (const id of ids) {
      expect((await store.load(id, context()))[0]?.contents[0]?.parts[0]?.text).toBe(id);
    }
    // Ids that only begin like a device keep their plain names.
    expect(store.filePath('console').endsWith('/console.jsonl')).toBe(true);
    expect(store.filePath('com10').endsWith('/com10.jsonl')).toBe(true);
  });

  it('leaves the file as it was when a turn cannot be written', async () => {
    const store = createFileHistoryStore({ directory: await temporaryDirectory() });
    await store.append('s', chatTurn('A'), context());
    const before = await readFile(store.filePath('s'), 'utf8');
    const bad = chatTurn('B');
    (bad.contents[0]?.parts[0] as Record<string, unknown>)['big'] = 10n;

    await expect(Promise.resolve().then(() => store.append('s', bad, context()))).rejects.toThrow(
      /BigInt/,
    );
    expect(await readFile(store.filePath('s'), 'utf8')).toBe(before);
  });

  it.each([
    [{}, 'path'],
    [{ directory: '' }, 'directory'],
    [{ path: '' }, 'path'],
    [{ directory: 'a', path: 'b' }, 'directory'],
    [{ directory: 5 }, 'directory'],
  ])('refuses the options %j', (options, argument) => {
    const error = thrownBy(() => createFileHistoryStore(options as never));

    expect(InvalidArgumentError.isInstance(error) && error.argument).toBe(argument);
  });
});
