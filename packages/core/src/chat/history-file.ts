import type * as Crypto from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { ChatHistoryCorruptError } from '../errors/chat-history-corrupt-error.ts';
import { isLevelEnabled, type Logger } from '../logging/logger.ts';
import type { Cost } from '../models/cost.ts';
import { readCost } from '../models/read-cost.ts';
import type { ChatTurn } from './history-store.ts';
import { readInteractionId } from './read-interaction-id.ts';
import { type ChatSessionSpend, readSessionSpend } from './session-spend.ts';

/**
 * The JSON-lines format of the file store: one line per turn,
 * `{"v":1,"id":"<session id>","createdAt":<ms>,"tokenCount":<n>,"model":"<model>","cost":{...},"contents":[...]}`
 * (`model` since it was recorded; lines without it are read as turns of an unknown model; `cost`
 * since issue 31, read back only when well formed; `sessionSpend`, the conversation's usage and
 * cost so far, likewise; `interactionId`, the turn's last Interactions API
 * interaction, likewise), ending with
 * `\n`. The newline is the commit mark: a line without one is a write that a crash cut short.
 * @internal
 */
const FORMAT_VERSION = 1;

// node:crypto loads when a long session id first needs hashing, not when gemloop is imported.
const require = createRequire(import.meta.url);
// why (lazy): node:crypto loaded at first use.
let cryptoModule: typeof Crypto | undefined;
const crypto = (): typeof Crypto => (cryptoModule ??= require('node:crypto') as typeof Crypto);
const NEWLINE = 0x0a;
// The longest agent name read back from a line (a name is a tool-name segment: 128 at most).
const MAX_AGENT_NAME = 128;
// The device names of Windows that a file name of lower-case letters and digits can spell.
const WINDOWS_DEVICE_NAME = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$/;

/** One turn as a line, newline included. JSON never puts a raw newline inside a value. @internal */
export function toHistoryLine(id: string, turn: ChatTurn): string {
  return `${JSON.stringify({
    v: FORMAT_VERSION,
    id,
    createdAt: turn.createdAt,
    tokenCount: turn.tokenCount,
    model: turn.model,
    cost: turn.cost,
    sessionSpend: turn.sessionSpend,
    agent: turn.agent,
    interactionId: turn.interactionId,
    contents: turn.contents,
  })}\n`;
}

/**
 * The file name of a session in a store directory. Lower-case letters, digits, `_` and `-` stay;
 * every other byte becomes `%XX` (upper-case hex), so two ids never share a name, even on a
 * case-insensitive file system, and no id can name a path outside the directory or a Windows
 * device (`con`, `nul`, ...: their first letter is escaped too). Long ids end in a hash
 * (`~<sha256>`), and each line records its id, which `load` checks.
 * @internal
 */
export function historyFileName(id: string): string {
  let name = '';
  for (const byte of new TextEncoder().encode(id)) {
    const isKept =
      (byte >= 0x61 && byte <= 0x7a) ||
      (byte >= 0x30 && byte <= 0x39) ||
      byte === 0x5f ||
      byte === 0x2d;
    name += isKept
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (name.length > 200) {
    name = `${name.slice(0, 120)}~${crypto().createHash('sha256').update(id).digest('hex')}`;
  }
  // Windows opens the device, not a file, for these names whatever the extension (`nul.jsonl` is
  // the null device). Their first letter is written as `%XX` too, which no other id's name holds.
  if (WINDOWS_DEVICE_NAME.test(name)) {
    name = `%${name.charCodeAt(0).toString(16).toUpperCase()}${name.slice(1)}`;
  }
  return `${name}.jsonl`;
}

/**
 * The name gemloop gave the session's file before Windows device names were escaped (2026-11-25,
 * `0f643e28`): `con.jsonl` where {@link historyFileName} now gives `%63on.jsonl`. `undefined` for
 * every other id, whose name never changed. On Linux and macOS that old file held the session's
 * turns, which the store adopts at its first use (`adoptLegacyHistoryFile`).
 * @internal
 */
export function legacyHistoryFileName(id: string): string | undefined {
  return WINDOWS_DEVICE_NAME.test(id) ? `${id}.jsonl` : undefined;
}

/** A parsed line: its session id and turn, its 1-based line number and where it starts. @internal */
export type HistoryRecord = {
  id: string;
  turn: ChatTurn;
  line: number;
  text: string;
  offset: number;
};

/**
 * Parses the bytes of a history file. A last line without its newline is a torn write: it is
 * left out with a warning. Any other line that is not a turn throws {@link ChatHistoryCorruptError}.
 * @internal
 */
export function parseHistoryFile(
  bytes: Buffer,
  { file, sessionId, logger }: { file: string; sessionId: string; logger: Logger },
): HistoryRecord[] {
  const end = bytes.lastIndexOf(NEWLINE) + 1;
  if (end < bytes.length) warnTornLine(logger, file, bytes.length - end, 'ignored it');
  const records: HistoryRecord[] = [];
  // Each line is decoded on its own: no string of the whole file, and byte offsets for free.
  let start = 0;
  for (let line = 1; start < end; line++) {
    const newline = bytes.indexOf(NEWLINE, start);
    const text = bytes.toString('utf8', start, newline);
    const record = parseHistoryLine(text, { file, line, offset: start, sessionId });
    if (record !== undefined) records.push(record);
    start = newline + 1;
  }
  return records;
}

/**
 * Parses one line of a history file (without its newline): `undefined` for a blank line, else
 * the record, or a {@link ChatHistoryCorruptError} thrown for `line` of `file`.
 * @internal
 */
export function parseHistoryLine(
  text: string,
  {
    file,
    line,
    offset,
    sessionId,
  }: { file: string; line: number; offset: number; sessionId: string },
): HistoryRecord | undefined {
  if (text.trim() === '') return undefined;
  const corrupt = (reason: string, cause?: unknown) =>
    new ChatHistoryCorruptError({ file, line, reason, sessionId, cause });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt('the line is not valid JSON', error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw corrupt('the line is not a JSON object');
  }
  const record = value as Record<string, unknown>;
  if (record['v'] !== undefined && record['v'] !== FORMAT_VERSION) {
    throw corrupt(
      `the line has format version ${JSON.stringify(record['v'])}; this gemloop reads version ${FORMAT_VERSION} (a newer gemloop wrote it?)`,
    );
  }
  const { id, contents, tokenCount, createdAt, model, cost, sessionSpend, agent, interactionId } =
    record;
  if (typeof id !== 'string') throw corrupt('the line has no string "id"');
  if (
    !Array.isArray(contents) ||
    contents.length === 0 ||
    !contents.every(
      (content: unknown) =>
        typeof content === 'object' &&
        content !== null &&
        Array.isArray((content as Record<string, unknown>)['parts']),
    )
  ) {
    throw corrupt('"contents" is not a non-empty array of { role, parts } contents');
  }
  return {
    id,
    line,
    offset,
    text,
    turn: {
      contents,
      tokenCount: typeof tokenCount === 'number' ? tokenCount : undefined,
      createdAt: typeof createdAt === 'number' ? createdAt : undefined,
      model: typeof model === 'string' && model !== '' ? model : undefined,
      ...withCost(readCost(cost)),
      ...withSessionSpend(readSessionSpend(sessionSpend)),
      ...(typeof agent === 'string' && agent !== '' && agent.length <= MAX_AGENT_NAME
        ? { agent }
        : {}),
      ...withInteractionId(readInteractionId(interactionId)),
    },
  };
}

/** `{ interactionId }` when the line had a well-formed one, else no key. */
function withInteractionId(interactionId: string | undefined): { interactionId?: string } {
  return interactionId === undefined ? {} : { interactionId };
}

/** `{ sessionSpend }` when the line had a well-formed one (lines before it have none), else no key. */
function withSessionSpend(sessionSpend: ChatSessionSpend | undefined): {
  sessionSpend?: ChatSessionSpend;
} {
  return sessionSpend === undefined ? {} : { sessionSpend };
}

/** `{ cost }` when the line had a well-formed one; a turn without it has no `cost` key. */
function withCost(cost: Cost | undefined): { cost?: Cost } {
  return cost === undefined ? {} : { cost };
}

/**
 * How every line this store writes for session `id` starts (`{"v":1,"id":"<id>",`): lines can be
 * counted as the session's without being parsed. @internal
 */
export function historyLinePrefix(id: string): Buffer {
  return Buffer.from(`{"v":${FORMAT_VERSION},"id":${JSON.stringify(id)},`, 'utf8');
}

/** How every line this store writes starts, whatever its session. @internal */
export const HISTORY_LINE_START: Buffer = Buffer.from(`{"v":${FORMAT_VERSION},"id":"`, 'utf8');

/**
 * Before an append: a file whose last byte is not a newline ends with a torn write, which the new
 * line would be glued to. Cuts the file back to its last newline and returns the new size.
 * @internal
 */
export async function cutTornTail(
  handle: FileHandle,
  size: number,
  { file, logger }: { file: string; logger: Logger },
): Promise<number> {
  if (size === 0) return 0;
  // The usual case first: the last byte is the newline of a whole line (one byte read).
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  if (last[0] === NEWLINE) return size;
  const chunk = Buffer.alloc(Math.min(size, 65_536));
  let position = size;
  while (position > 0) {
    const length = Math.min(chunk.length, position);
    position -= length;
    const { bytesRead } = await handle.read(chunk, 0, length, position);
    const newline = chunk.subarray(0, bytesRead).lastIndexOf(NEWLINE);
    if (newline !== -1) {
      const end = position + newline + 1;
      await handle.truncate(end);
      warnTornLine(logger, file, size - end, 'removed it before appending');
      return end;
    }
  }
  await handle.truncate(0);
  warnTornLine(logger, file, size, 'removed it before appending');
  return 0;
}

/** Warns that the file ends with a torn line, and what was done with it. @internal */
export function warnTornLine(logger: Logger, file: string, bytes: number, action: string): void {
  if (!isLevelEnabled(logger, 'warn')) return;
  logger.warn(
    { file, bytes },
    `the chat history file ends with a torn line (a write cut short by a crash); ${action}. The turn it held was never confirmed as saved.`,
  );
}

/** A line of another session in a session's own file (`{ directory }`). @internal */
export function foreignLineError(
  file: string,
  id: string,
  record: { id: string; line: number },
): ChatHistoryCorruptError {
  return new ChatHistoryCorruptError({
    file,
    line: record.line,
    reason: `the line belongs to session ${JSON.stringify(record.id)}, not ${JSON.stringify(id)} (a file copied or renamed by hand?)`,
    sessionId: id,
  });
}
