import type { FileHandle } from 'node:fs/promises';
import { ChatHistoryCorruptError } from '../errors/chat-history-corrupt-error.ts';
import {
  foreignLineError,
  HISTORY_LINE_START,
  historyLinePrefix,
  parseHistoryLine,
} from './history-file.ts';
import type { ChatTurn } from './history-store.ts';

const NEWLINE = 0x0a;
/** Bytes read at a time going backwards: a few turns of a usual conversation. */
const TAIL_BLOCK_SIZE = 65_536;
/** Bytes read at a time when counting older lines: fewer calls; only one block is held. */
const COUNT_BLOCK_SIZE = 1_048_576;

/**
 * Says when a session's newest turns, given newest first, are all a send can use. @internal
 */
export type TurnMeter = { add(turn: ChatTurn): void; enough(): boolean };

/** The newest turns of a session, read from the end of its file by {@link readHistoryTail}. @internal */
export type HistoryTail = {
  /** Oldest first. */
  turns: ChatTurn[];
  /** Where the line of each turn starts in the file. */
  offsets: number[];
  /** Where the oldest line read starts: nothing before it was read. */
  start: number;
};

/**
 * Reads the whole lines before `end` (0 or just after a newline) backwards, `blockSize` bytes at
 * a time, newest first. Each line is cut at newline bytes and decoded whole, so a multi-byte
 * character that a block boundary splits is never decoded in halves (UTF-8 never has a newline
 * byte inside a character).
 * @internal
 */
export async function* readLinesBackward(
  handle: FileHandle,
  end: number,
  blockSize: number = TAIL_BLOCK_SIZE,
): AsyncGenerator<{ offset: number; bytes: Buffer }> {
  if (end <= 0) return;
  // The byte at end - 1 is the newline of the newest line: its text ends there.
  let position = end - 1;
  // The newest line's pieces not yet complete, newest piece first.
  let pieces: Buffer[] = [];
  while (position > 0) {
    const length = Math.min(blockSize, position);
    const blockStart = position - length;
    const block = Buffer.allocUnsafe(length);
    await readFully(handle, block, blockStart);
    let right = length;
    while (right > 0) {
      const newline = block.lastIndexOf(NEWLINE, right - 1);
      if (newline === -1) {
        pieces.push(block.subarray(0, right));
        break;
      }
      pieces.push(block.subarray(newline + 1, right));
      yield { offset: blockStart + newline + 1, bytes: joinReversed(pieces) };
      pieces = [];
      right = newline;
    }
    position = blockStart;
  }
  yield { offset: 0, bytes: joinReversed(pieces) };
}

/**
 * Reads a session's newest turns from the end of its history file, parsing only the lines it
 * returns, until `meter` has enough of them (each turn read is added to it) or the file's start.
 * In a shared file, other sessions' lines as the store writes them are passed over unparsed. A
 * line that is not a turn throws {@link ChatHistoryCorruptError} with its line number.
 * @internal
 */
export async function readHistoryTail(
  handle: FileHandle,
  {
    end,
    file,
    sessionId,
    shared,
    meter,
    blockSize,
  }: {
    /** 0 or just after a newline: the end of the last whole line not read yet. */
    end: number;
    file: string;
    sessionId: string;
    /** One file for every session: other sessions' lines are passed over, not refused. */
    shared: boolean;
    /** Fed each turn read, newest first; reading stops once it has enough. */
    meter: TurnMeter;
    blockSize?: number | undefined;
  },
): Promise<HistoryTail> {
  const turns: ChatTurn[] = [];
  const offsets: number[] = [];
  let start = end;
  const prefix = shared ? historyLinePrefix(sessionId) : undefined;
  if (!meter.enough()) {
    for await (const { offset, bytes } of readLinesBackward(handle, end, blockSize)) {
      start = offset;
      if (prefix !== undefined && isOtherSessionLine(bytes, prefix)) continue;
      let record: ReturnType<typeof parseHistoryLine>;
      try {
        // The line number is not known going backwards: counted only for an error.
        record = parseHistoryLine(bytes.toString('utf8'), {
          file,
          line: 0,
          offset,
          sessionId,
        });
        if (record !== undefined && record.id !== sessionId && !shared) {
          throw foreignLineError(file, sessionId, record);
        }
      } catch (error) {
        if (!ChatHistoryCorruptError.isInstance(error)) throw error;
        throw new ChatHistoryCorruptError({
          file,
          line: (await countLines(handle, offset)) + 1,
          reason: error.reason,
          sessionId,
          cause: error.cause,
        });
      }
      if (record === undefined || record.id !== sessionId) continue;
      turns.push(record.turn);
      offsets.push(offset);
      meter.add(record.turn);
      if (meter.enough()) break;
    }
  }
  return { turns: turns.reverse(), offsets: offsets.reverse(), start };
}

/**
 * Counts a session's turns in the lines before `end` (0 or just after a newline) without parsing
 * them, reading `blockSize` bytes at a time and holding no more: a line counts when it starts as
 * the store writes the session's lines (`{"v":1,"id":"<id>",`). Returns `undefined` at the first
 * line it cannot classify that way (written by hand or by another program, or damaged at its
 * start): the caller then reads the file in full, which checks every line. A line damaged after
 * its start still counts as a turn.
 * @internal
 */
export async function countOlderTurns(
  handle: FileHandle,
  {
    end,
    sessionId,
    shared,
    blockSize = COUNT_BLOCK_SIZE,
  }: { end: number; sessionId: string; shared: boolean; blockSize?: number | undefined },
): Promise<number | undefined> {
  const prefix = historyLinePrefix(sessionId);
  // A block always holds a whole prefix after a line start it re-reads from.
  const size = Math.max(blockSize, prefix.length * 2);
  const block = Buffer.allocUnsafe(Math.min(size, end));
  let turns = 0;
  let position = 0;
  // Inside a line already classified, whose newline is in a later block.
  let inLine = false;
  while (position < end) {
    const length = Math.min(block.length, end - position);
    const bytes = block.subarray(0, length);
    await readFully(handle, bytes, position);
    let index = 0;
    let restart = -1;
    if (inLine) {
      const newline = bytes.indexOf(NEWLINE);
      if (newline === -1) {
        position += length;
        continue;
      }
      inLine = false;
      index = newline + 1;
    }
    while (index < length) {
      const newline = bytes.indexOf(NEWLINE, index);
      const lineEnd = newline === -1 ? length : newline;
      if (newline === -1 && lineEnd - index < prefix.length) {
        // The line's start goes on in the next block: read it again from there.
        restart = index;
        break;
      }
      const head = bytes.subarray(index, Math.min(lineEnd, index + prefix.length));
      const ours = head.equals(prefix);
      if (ours) turns++;
      const known =
        ours ||
        // In a shared file: another session's line, as the store writes them.
        (shared && startsWith(head, HISTORY_LINE_START)) ||
        (newline !== -1 && head.length === newline - index && isBlank(head));
      if (!known) return undefined;
      if (newline === -1) {
        inLine = true;
        break;
      }
      index = newline + 1;
    }
    // A line start at a block's start always fits (blocks hold two prefixes, `end` ends a line);
    // were it not so, the caller's full read is the safe answer.
    if (restart === 0) return undefined;
    position += restart === -1 ? length : restart;
  }
  return turns;
}

/**
 * Where the last whole line of a file of `size` bytes ends (0 without one): what follows is a
 * torn write. Reads backwards only as far as that newline.
 * @internal
 */
export async function findCommittedEnd(handle: FileHandle, size: number): Promise<number> {
  const block = Buffer.allocUnsafe(Math.min(TAIL_BLOCK_SIZE, size));
  for (let position = size; position > 0; ) {
    const length = Math.min(block.length, position);
    position -= length;
    const bytes = block.subarray(0, length);
    await readFully(handle, bytes, position);
    const newline = bytes.lastIndexOf(NEWLINE);
    if (newline !== -1) return position + newline + 1;
  }
  return 0;
}

/** The number of newlines before `end`: the lines there. @internal */
export async function countLines(handle: FileHandle, end: number): Promise<number> {
  const block = Buffer.allocUnsafe(Math.min(COUNT_BLOCK_SIZE, end));
  let lines = 0;
  for (let position = 0; position < end; ) {
    const length = Math.min(block.length, end - position);
    const bytes = block.subarray(0, length);
    await readFully(handle, bytes, position);
    for (
      let index = bytes.indexOf(NEWLINE);
      index !== -1;
      index = bytes.indexOf(NEWLINE, index + 1)
    ) {
      lines++;
    }
    position += length;
  }
  return lines;
}

/** Fills `buffer` from `position`; a file that ends sooner changed behind the store's back. */
async function readFully(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(
      buffer,
      filled,
      buffer.length - filled,
      position + filled,
    );
    if (bytesRead === 0) {
      throw new Error(
        `the history file ended at byte ${position + filled} while being read: it was changed by another program`,
      );
    }
    filled += bytesRead;
  }
}

function joinReversed(pieces: Buffer[]): Buffer {
  return pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces.reverse());
}

/** A line of another session, as the store writes them: passed over without parsing it. */
function isOtherSessionLine(line: Buffer, prefix: Buffer): boolean {
  return (
    startsWith(line, HISTORY_LINE_START) &&
    !(line.length >= prefix.length && line.subarray(0, prefix.length).equals(prefix))
  );
}

function startsWith(bytes: Buffer, start: Buffer): boolean {
  return bytes.length >= start.length && bytes.subarray(0, start.length).equals(start);
}

/** Whether a whole line is white space only (`load` passes over it too). */
function isBlank(line: Buffer): boolean {
  for (const byte of line) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}
