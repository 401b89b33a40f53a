import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatHistoryCorruptError } from '../errors/chat-history-corrupt-error.ts';
import { cleanUp, temporaryDirectory } from './__fixtures__/chat-fixtures.ts';
import { toHistoryLine } from './history-file.ts';
import type { ChatTurn } from './history-store.ts';
import {
  countOlderTurns,
  findCommittedEnd,
  readHistoryTail,
  readLinesBackward,
  type TurnMeter,
} from './read-history-tail.ts';

afterEach(cleanUp);

async function withFile<T>(
  text: string | Buffer,
  use: (handle: Awaited<ReturnType<typeof open>>) => Promise<T>,
): Promise<T> {
  const file = join(await temporaryDirectory(), 'history.jsonl');
  await writeFile(file, text);
  const handle = await open(file, 'r');
  try {
    return await use(handle);
  } finally {
    await handle.close();
  }
}

function turn(text: string): ChatTurn {
  return {
    contents: [
      { role: 'user', parts: [{ text }] },
      { role: 'model', parts: [{ text: `Re: ${text}` }] },
    ],
    createdAt: 1,
  };
}

function turnsMeter(maxTurns: number): TurnMeter {
  let count = 0;
  return { add: () => void count++, enough: () => count >= maxTurns };
}

describe('readLinesBackward', () => {
  it('decodes multi-byte characters whatever block boundary splits them', async () => {
    // 2-, 3- and 4-byte characters, an empty line, and a line longer than every block size.
    const lines = ['é€😀', '', 'a😀b€c', '😀'.repeat(40), 'plain ascii', '€'];
    const bytes = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    await withFile(bytes, async (handle) => {
      for (let blockSize = 1; blockSize <= 24; blockSize++) {
        const read: string[] = [];
        const offsets: number[] = [];
        for await (const line of readLinesBackward(handle, bytes.length, blockSize)) {
          read.push(line.bytes.toString('utf8'));
          offsets.push(line.offset);
        }
        expect(read, `block size ${blockSize}`).toEqual([...lines].reverse());
        // Each offset is where its line starts in the file.
        for (const [index, offset] of offsets.entries()) {
          expect(bytes.toString('utf8', offset).startsWith(read[index] as string)).toBe(true);
        }
      }
    });
  });
});

describe('readHistoryTail', () => {
  it('parses only the newest lines the meter needs, and says where they start', async () => {
    const text = ['A', 'B', 'C', 'D'].map((name) => toHistoryLine('s', turn(name))).join('');
    await withFile(text, async (handle) => {
      const tail = await readHistoryTail(handle, {
        end: Buffer.byteLength(text),
        file: 'history.jsonl',
        sessionId: 's',
        shared: false,
        meter: turnsMeter(2),
        blockSize: 7,
      });
      expect(tail.turns.map((held) => held.contents[0]?.parts[0]?.text)).toEqual(['C', 'D']);
      const third = Buffer.byteLength(toHistoryLine('s', turn('A'))) * 2;
      expect(tail.offsets[0]).toBe(third);
      expect(tail.start).toBe(third);
    });
  });

  it('passes over other sessions in a shared file and reports a corrupt line by its number', async () => {
    const text = [
      toHistoryLine('other', turn('X')),
      '{"v":1,"id":"s","contents":[\n',
      toHistoryLine('s', turn('A')),
      toHistoryLine('other', turn('Y')),
      '\n',
      toHistoryLine('s', turn('B')),
    ].join('');
    await withFile(text, async (handle) => {
      const read = (maxTurns: number) =>
        readHistoryTail(handle, {
          end: Buffer.byteLength(text),
          file: 'history.jsonl',
          sessionId: 's',
          shared: true,
          meter: turnsMeter(maxTurns),
        });
      expect((await read(2)).turns.map((held) => held.contents[0]?.parts[0]?.text)).toEqual([
        'A',
        'B',
      ]);
      const error = await read(3).catch((caught: unknown) => caught);
      expect(ChatHistoryCorruptError.isInstance(error) && error.line).toBe(2);
    });
  });
});

describe('countOlderTurns', () => {
  it("counts the session's lines without parsing them, at any block size", async () => {
    const text = [
      toHistoryLine('s', turn('A')),
      '\n',
      '  \n',
      toHistoryLine('other', turn('X')),
      toHistoryLine('s', turn('B')),
      // Damaged after its start: counted, not checked.
      '{"v":1,"id":"s","contents":[\n',
      toHistoryLine('s2', turn('C')),
    ].join('');
    await withFile(text, async (handle) => {
      for (const blockSize of [1, 5, 17, 64, 1 << 20]) {
        const count = (shared: boolean) =>
          countOlderTurns(handle, {
            end: Buffer.byteLength(text),
            sessionId: 's',
            shared,
            blockSize,
          });
        expect(await count(true), `block size ${blockSize}`).toBe(3);
        // In a session's own file another session's line is not expected: the caller reads it all.
        expect(await count(false)).toBeUndefined();
      }
    });
  });

  it('gives up on a line it cannot classify', async () => {
    const text = `${toHistoryLine('s', turn('A'))}{"id":"s","v":1,"contents":[]}\n`;
    await withFile(text, async (handle) => {
      expect(
        await countOlderTurns(handle, {
          end: Buffer.byteLength(text),
          sessionId: 's',
          shared: false,
        }),
      ).toBeUndefined();
    });
  });
});

describe('findCommittedEnd', () => {
  it('finds the end of the last whole line behind a torn line longer than a block', async () => {
    const whole = toHistoryLine('s', turn('A'));
    const text = `${whole}${'x'.repeat(200_000)}`;
    await withFile(text, async (handle) => {
      expect(await findCommittedEnd(handle, Buffer.byteLength(text))).toBe(
        Buffer.byteLength(whole),
      );
      expect(await findCommittedEnd(handle, 0)).toBe(0);
    });
    await withFile('torn', async (handle) => {
      expect(await findCommittedEnd(handle, 4)).toBe(0);
    });
  });
});
