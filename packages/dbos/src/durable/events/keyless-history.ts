import { createHash } from 'node:crypto';
import type { AgentEvent } from '@gemloop/core';
import {
  type IndexedEvent,
  type IndexedKeyHold,
  MIN_KEY_LENGTH,
  type ScanMemo,
  scrubSecrets,
} from '@gemloop/core/internal';

/**
 * How much of a run's history an earlier run of the fleet found without keys
 * (`DurableRunInput.keylessHistory`): its first `contents` contents (flattened, as the run
 * reads them), for the keys whose fingerprint is `keys` ({@link keysFingerprint}).
 */
export type KeylessHistory = { contents: number; keys: string };

/** Longest fingerprint `runs.start` takes (a {@link keysFingerprint} is 16 characters). */
export const MAX_KEYS_FINGERPRINT_LENGTH = 64;

/**
 * A fingerprint of the keys a run's events are kept from: the first 16 hex digits of the SHA-256
 * of the list (sorted, without the keys too short to look for), so a mark made for some keys is
 * trusted only by a run kept from the same keys (a key rotated, an agent given another client:
 * the history is scanned again). `undefined` without keys: a run kept from none scanned nothing,
 * and its result is no proof of anything. It tells nothing of a key (a hash of 64 bits of a
 * high-entropy string).
 */
export function keysFingerprint(keys: readonly string[]): string | undefined {
  const looked = [...new Set(keys.filter((key) => key.length >= MIN_KEY_LENGTH))].sort();
  if (looked.length === 0) return undefined;
  return createHash('sha256').update(looked.join('\0')).digest('hex').slice(0, 16);
}

/**
 * A chat turn's mark: the fingerprint of `keys` when the turn's contents (the run's
 * `newContents`, what the chat store keeps of it) hold none of them, else `undefined`. Through
 * the run's `memo`: the long texts its `run-end` already found clean are not scanned again. Of
 * the turn itself, not its thread: a turn after one that held a key is marked too, so the thread
 * from the key's turn on is scanned, and the turns before it and after are not.
 */
export function turnMark(
  newContents: unknown,
  keys: readonly string[],
  memo: ScanMemo,
): string | undefined {
  const fingerprint = keysFingerprint(keys);
  if (fingerprint === undefined || !Array.isArray(newContents)) return undefined;
  return scrubSecrets(newContents, keys, memo) === newContents ? fingerprint : undefined;
}

/**
 * The contents of `history` (contents, or turns `{ contents }` flattened as the agent reads them)
 * that `mark` says an earlier run found without the keys `keys` names now: its first
 * `mark.contents`, or none when the mark was made for other keys (or there are none now).
 */
export function keylessContents(
  history: readonly unknown[] | undefined,
  mark: KeylessHistory | undefined,
  keys: readonly string[],
): readonly unknown[] {
  // The run's input is a row like any other: a mark of another shape trusts nothing.
  if (!Array.isArray(history) || !Number.isSafeInteger(mark?.contents)) return [];
  if (mark === undefined || mark.contents <= 0) return [];
  if (keysFingerprint(keys) !== mark.keys) return [];
  const contents: unknown[] = [];
  for (const item of history) {
    const turn = (item as { contents?: unknown } | null)?.contents;
    if (Array.isArray(turn)) contents.push(...turn);
    else contents.push(item);
    if (contents.length >= mark.contents) break;
  }
  return contents.slice(0, mark.contents);
}

/**
 * `hold.push(index, event)`, except that the run's own `run-end` is scanned past the contents
 * its result starts with that are the very objects of `keyless` (the run's history found without
 * keys by an earlier run: a durable chat turn's thread, durable-scan50). Its `run-end` held the
 * whole thread (`result.contents`), so each turn scanned every earlier one again: quadratic over
 * a conversation. By identity, not by value: a content the run replaced (a thought signature
 * dropped, a compaction's summary) is not the history's and is scanned. The event given back is
 * the one the agent emitted when the rest holds no key (so it is stored once, as the workflow's
 * output), else the scrubbed rest after the same history contents.
 */
export function pushPastKeylessHistory(
  hold: IndexedKeyHold,
  index: number,
  event: AgentEvent<unknown>,
  keyless: readonly unknown[],
): readonly IndexedEvent[] {
  if (keyless.length === 0 || event.type !== 'run-end' || event.path.length !== 0) {
    return hold.push(index, event);
  }
  const result = event.result as { contents?: unknown } | undefined;
  const contents = result?.contents;
  if (!Array.isArray(contents)) return hold.push(index, event);
  let known = 0;
  while (known < keyless.length && known < contents.length && contents[known] === keyless[known]) {
    known++;
  }
  if (known === 0) return hold.push(index, event);
  const rest = {
    ...event,
    result: { ...result, contents: contents.slice(known) },
  } as AgentEvent<unknown>;
  return hold.push(index, rest).map((released) => {
    if (released.index !== index) return released;
    if (released.event === rest) return { index, event };
    const scrubbed = (released.event as { result?: { contents?: unknown } }).result;
    // Anything else than the rest's shape (it never is): the scrubbed rest alone, no key in it.
    if (!Array.isArray(scrubbed?.contents)) return released;
    const whole = { ...scrubbed, contents: [...contents.slice(0, known), ...scrubbed.contents] };
    return { index, event: { ...released.event, result: whole } as AgentEvent<unknown> };
  });
}
