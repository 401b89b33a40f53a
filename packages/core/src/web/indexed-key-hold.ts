import type { AgentEvent } from '../agent/agent-event.ts';
import { MIN_KEY_LENGTH, REDACTED } from '../shared/redact-secrets.ts';
import { createScanMemo } from '../shared/scan-memo.ts';
import { type ScanMemo, scrubSecrets } from '../shared/scrub-secrets.ts';
import { keyAt } from './key-hold.ts';
import { channelOf, ENDS_TEXT, samePath } from './keyless-events.ts';

/** An event of a run at its index in the run's store. @internal */
export type IndexedEvent = { index: number; event: AgentEvent<unknown> };

type Delta = AgentEvent<unknown> & { type: 'text-delta' | 'thought-delta'; text: string };

/** The deltas of one step and path not yet known to hold no key's start. */
type Channel = {
  path: readonly string[];
  deltas: { index: number; event: Delta }[];
  /** Their texts, joined. */
  text: string;
  /** How many characters at the start of `text` end a key already redacted before them. */
  drop: number;
};

const NONE: readonly IndexedEvent[] = [];

/**
 * The keys of a run's clients kept from a store whose readers resume by index (`@gemloop/dbos`'
 * event stream of a durable run): {@link KeyHold}'s hold-back, with every event kept at its index.
 * No event is added or removed: a delta in which a key starts carries `[redacted]` in its place, a
 * delta wholly inside a key carries `''`, every other character stays in the delta it came in
 * (thought or text), so a reader resuming at any index, mid-key too, reads no key and loses no
 * other text. A delta is final once no key can start in it any more (at most the longest key's
 * length − 1 characters are waiting, the deltas they came in unwritten until then) or its step's
 * text ends; every other event is final at once, copied only where it holds a key. The same
 * deltas give the same final events whenever they are pushed: a step run again writes what it
 * wrote. One per run (or per streamed call). @internal
 */
export class IndexedKeyHold {
  private readonly secrets: () => readonly string[];
  private keys: readonly string[] = [];
  private readonly channels = new Map<string, Channel>();
  private readonly memo: ScanMemo;
  /** The indices below it the store already holds (see {@link IndexedKeyHold.skipStored}). */
  private stored = 0;

  /**
   * `secrets` is asked until it names a key (as `keylessFilter`'s). `memo`: the long texts found
   * clean, one for the run by default, so a text met again in a later event (a tool's output in
   * its `tool-result`, its step's `step-end`, the `run-end`'s result) is scanned once, as a door's
   * send is ({@link ScanMemo}; leftovers61: half the characters scanned of a run of tool steps).
   */
  constructor(secrets: () => readonly string[], memo: ScanMemo = createScanMemo()) {
    this.secrets = secrets;
    this.memo = memo;
  }

  /**
   * The store already holds every index below `count`: a durable run executed again from its
   * start (resumed after a pause, taken over) emits its events again, and those were scanned and
   * written by an earlier execution (leftovers62: k pauses cost k + 1 scans and writes of the
   * run so far). From now on an event pushed below `count` is neither scanned nor given back;
   * a delta below it is kept unscanned in case its text goes on past `count`, where the key it
   * may start must still be cut (its channel is then scanned whole, once). Whatever an earlier
   * execution stored at an index stays what readers read there, as when it was written again
   * (readers keep the first event at each index). Call before the first push of those indices.
   */
  skipStored(count: number): void {
    this.stored = Math.max(this.stored, count);
  }

  /** The events final now that `event` came at `index` (indices in the order they came). */
  push(index: number, event: AgentEvent<unknown>): readonly IndexedEvent[] {
    // Asked again at a hand-off: a plugin's receiver is known from its take-over on (keylessFilter's).
    if (this.keys.length === 0 || event.type === 'handoff') {
      this.keys = this.secrets().filter((secret) => secret.length >= MIN_KEY_LENGTH);
      if (this.keys.length === 0) return index < this.stored ? NONE : [{ index, event }];
    }
    if (event.type === 'text-delta' || event.type === 'thought-delta') {
      const key = channelOf(event.path, event.stepNumber);
      let channel = this.channels.get(key);
      if (channel === undefined) {
        channel = { path: event.path, deltas: [], text: '', drop: 0 };
        this.channels.set(key, channel);
      }
      channel.deltas.push({ index, event: event as Delta });
      channel.text += event.text;
      // Stored: scanned only if the text goes on past the stored indices.
      return index < this.stored ? NONE : this.release(key, channel, false);
    }
    const out: IndexedEvent[] = [];
    if (ENDS_TEXT.has(event.type)) {
      for (const [key, channel] of this.channels) {
        if (samePath(channel.path, event.path)) out.push(...this.release(key, channel, true));
      }
    }
    if (index < this.stored) return out;
    out.push({ index, event: scrubSecrets(event, this.keys, this.memo) });
    return out;
  }

  /** Every delta still held, final: the run's text is over. */
  end(): readonly IndexedEvent[] {
    const out: IndexedEvent[] = [];
    for (const [key, channel] of this.channels) out.push(...this.release(key, channel, true));
    return out;
  }

  /** The lowest index held (`Infinity` when none): a store may take the events below it. */
  heldFrom(): number {
    let from = Number.POSITIVE_INFINITY;
    for (const channel of this.channels.values()) {
      // A stored delta kept unscanned holds nothing back: the store has it.
      const held = channel.deltas.find(({ index }) => index >= this.stored);
      if (held !== undefined) from = Math.min(from, held.index);
    }
    return from;
  }

  /** The channel's deltas that no key can start in any more (all at its `end`), each without keys. */
  private release(key: string, channel: Channel, end: boolean): readonly IndexedEvent[] {
    const last = channel.deltas[channel.deltas.length - 1] as { index: number };
    if (end && last.index < this.stored) {
      // Every delta of the text is stored and the text is over: nothing to scan or give back.
      this.channels.delete(key);
      return NONE;
    }
    const { text } = channel;
    // The keys in `text`, as [from, to, marked]: the first range, a key's end, has no marker.
    const ranges: [number, number, boolean][] = channel.drop > 0 ? [[0, channel.drop, false]] : [];
    let at = channel.drop;
    while (at < text.length) {
      const found = keyAt(this.keys, text, at, end);
      if (found < 0) break;
      if (found > 0) ranges.push([at, at + found, true]);
      at += found === 0 ? 1 : found;
    }
    const out: IndexedEvent[] = [];
    let start = 0;
    let done = 0;
    for (const { index, event } of channel.deltas) {
      const stop = start + event.text.length;
      if (stop > at) break;
      const shown = cut(text, start, stop, ranges);
      out.push({ index, event: shown === event.text ? event : { ...event, text: shown } });
      start = stop;
      done++;
    }
    if (done === 0) return NONE;
    // The stored deltas of a text that went on past them were needed for the scan, not given back.
    const given = this.stored === 0 ? out : out.filter(({ index }) => index >= this.stored);
    if (done === channel.deltas.length) {
      this.channels.delete(key);
      return given;
    }
    channel.deltas = channel.deltas.slice(done);
    channel.text = text.slice(start);
    // A key that runs on into the deltas still held: its rest is dropped from them.
    let drop = 0;
    for (const [from, to] of ranges) if (from < start && to > start) drop = to - start;
    channel.drop = drop;
    return given;
  }
}

/** `text[start, stop)` without the keys in `ranges`, `[redacted]` where one starts. */
function cut(
  text: string,
  start: number,
  stop: number,
  ranges: readonly [number, number, boolean][],
): string {
  let shown = '';
  let at = start;
  for (const [from, to, marked] of ranges) {
    if (to <= start || from >= stop) continue;
    if (from >= start) shown += text.slice(at, from) + (marked ? REDACTED : '');
    at = Math.min(stop, to);
  }
  return shown + text.slice(at, stop);
}
