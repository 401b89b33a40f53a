import type { AgentEvent } from '../agent/agent-event.ts';
import { agentTurnsOf, type RunnableAgent } from '../agent/agent-turns.ts';
import type { TurnsOf } from '../agent/plugins/run-view/plugin-run-view.ts';
import { keySourceOf } from '../agent/redacting-streams.ts';
import { type KeyedConfig, keysOf, treeKeySources, treeKeysOf } from '../agent/tree-keys.ts';
import { createScanMemo } from '../shared/scan-memo.ts';
import { type ScanMemo, scrubSecrets } from '../shared/scrub-secrets.ts';
import { type HeldPiece, KeyHold } from './key-hold.ts';

/** What a door reads: `agent.stream()`, `chat.sendStream()`, or any such source. */
type EventSource<Event> = AsyncIterable<Event> & {
  abort(reason?: unknown): void;
  readonly result?: Promise<unknown>;
};

/** The events that end a step's text part: what is held of it leaves before them. @internal */
export const ENDS_TEXT: ReadonlySet<string> = new Set([
  'tool-call',
  'tool-result',
  'tool-error',
  'step-end',
  'handoff',
  'run-end',
]);

/**
 * A run's events as a door sends them to a page or a protocol client (the web helpers, the
 * AG-UI, A2A, MCP and OpenAI-compatible doors): the keys of every client the run can reach (the
 * agent's, its subagents' and its hand-off receivers', {@link treeKeysOf}; what their redactors
 * remove, `ModelCallEntry.secrets`) replaced by `[redacted]` wherever a model wrote one. The run itself
 * and `agent.stream()`'s own reader keep the model's words (the history is sent back verbatim);
 * only what leaves the process through a door is made here, once, for every door.
 *
 * Text and thought deltas go through a bounded hold-back per step and path ({@link KeyHold}):
 * at most the longest key's length − 1 characters wait, and only while they could start a key;
 * they leave before the event that ends the step's text (a call, the step's end) or at the
 * stream's end. Every other event, and the result, is walked and copied only where it held a
 * key; a call's arguments are redacted as `redactedArgs` (which every door shows), so `args`
 * keeps its identity for the approval broker. A source gemloop did not make (no known key)
 * passes as it is, at no cost.
 *
 * `memo` keeps which long texts were found clean, so each is scanned once: one for the send's
 * events and its result by default (a long thread's texts are in several of them: a step's
 * response, the run's end, the result's history); a door gives one of its own, kept across
 * sends, so a thread's stored turns are not scanned again at each send ({@link ScanMemo}). @internal
 */
export function keylessEvents<Source extends EventSource<AgentEvent<unknown>>>(
  source: Source,
  memo: ScanMemo = createScanMemo(),
): Source {
  return keylessEventsShowing(source, (value) => value, memo) as unknown as Source;
}

/**
 * {@link keylessEvents} for a door that sends only part of the run's result: its `result` is
 * `show(result)` without the keys, and only that is walked. A chat send's result holds the whole
 * thread, walked at every send, and past the walk's 10,000 objects (~620 turns of a tool call
 * and an answer) the rest of it became `UNCHECKED`, its `usage` too (leftovers61).
 *
 * The `run-end` event's `result` is `show(result)` as well (its declared type notwithstanding):
 * no door sends more of it than of the result, and it held the same thread (scrub48). `result`
 * is scrubbed once, at its first read, and kept: a door and its telemetry both read it. @internal
 */
export function keylessEventsShowing<Source extends EventSource<AgentEvent<unknown>>, Shown>(
  source: Source,
  show: (result: Awaited<Source['result']>) => Shown,
  memo: ScanMemo = createScanMemo(),
): Omit<Source, 'result'> & { readonly result: Promise<Shown> } {
  // Read when events flow: a chat send knows its client once its inner stream exists.
  const secrets = (): readonly string[] => streamKeysOf(source);
  let shown: Promise<Shown> | undefined;
  // The source's own members (abort, steer, send) through its prototype; its events and result here.
  return Object.create(source, {
    result: {
      get: () => {
        // Kept from the first read: each read scrubbed (and copied) it again (scrub48).
        shown ??= source.result?.then((value) =>
          scrubSecrets(show(value as Awaited<Source['result']>), secrets(), memo),
        );
        return shown;
      },
    },
    [Symbol.asyncIterator]: {
      value: () => keyless(source, secrets, memo, show as (result: unknown) => unknown),
    },
  }) as Omit<Source, 'result'> & { readonly result: Promise<Shown> };
}

async function* keyless(
  source: AsyncIterable<AgentEvent<unknown>>,
  secrets: () => readonly string[],
  memo: ScanMemo,
  show: (result: unknown) => unknown,
): AsyncGenerator<AgentEvent<unknown>> {
  const filter = keylessFilter(secrets, memo, show);
  for await (const event of source) {
    const out = filter.take(event);
    if (out === event) yield event;
    else yield* out as AgentEvent<unknown>[];
  }
  yield* filter.end();
}

/** What a door sends of each event (see {@link keylessEvents}), taken one at a time. @internal */
export type KeylessFilter = {
  /** The event itself when it leaves as it is (the common case), else what leaves in its place. */
  take(event: AgentEvent<unknown>): AgentEvent<unknown> | AgentEvent<unknown>[];
  /** What was still held when the source ended. */
  end(): AgentEvent<unknown>[];
};

/**
 * The filter of {@link keylessEvents} for a loop that reads the source itself (the web helpers):
 * `secrets` is asked until it names a key (a chat send's stream knows its client once its inner
 * run started), and again at each `handoff` event; until then every event leaves as it is.
 * `showEnd`: what the reader sends of a `run-end` event's result; only that is walked, and the
 * event leaves with it as its `result` (a door that sends the answer's text need not walk the
 * thread at every send, scrub48). The whole result by default. @internal
 */
export function keylessFilter(
  secrets: () => readonly string[],
  memo: ScanMemo = createScanMemo(),
  showEnd?: (result: unknown) => unknown,
): KeylessFilter {
  let keys: readonly string[] = [];
  const holds = new Map<string, { hold: KeyHold; like: AgentEvent<unknown> }>();
  return {
    take(event) {
      // Read again at a hand-off: a plugin's receiver no tool names is known from its take-over
      // on (tree-keys.ts), which comes before this event and any of the receiver's text.
      if (keys.length === 0 || event.type === 'handoff') keys = secrets();
      if (keys.length === 0) return event;
      if (event.type === 'text-delta' || event.type === 'thought-delta') {
        const channel = channelOf(event.path, event.stepNumber);
        let held = holds.get(channel);
        if (held === undefined) {
          held = { hold: new KeyHold(keys), like: event };
          holds.set(channel, held);
        }
        const kind = event.type === 'text-delta' ? 'text' : 'thought';
        const pieces = held.hold.push({ kind, text: event.text });
        // The common case, no key's start in it: the event itself leaves.
        if (pieces.length === 1 && pieces[0]?.text === event.text && pieces[0].kind === kind)
          return event;
        return asDeltas(event, pieces);
      }
      const out: AgentEvent<unknown>[] = [];
      if (ENDS_TEXT.has(event.type)) {
        for (const [channel, held] of holds) {
          if (!samePath(held.like.path, event.path)) continue;
          holds.delete(channel);
          out.push(...asDeltas(held.like, held.hold.flush()));
        }
      }
      const shown = withoutKeys(shownEnd(event, showEnd), keys, memo);
      if (out.length === 0) return shown === event ? event : [shown];
      out.push(shown);
      return out;
    },
    end() {
      const out: AgentEvent<unknown>[] = [];
      for (const held of holds.values()) out.push(...asDeltas(held.like, held.hold.flush()));
      holds.clear();
      return out;
    },
  };
}

/** `event`, a `run-end` with only what `show` takes of its result (itself without `show`). */
function shownEnd(
  event: AgentEvent<unknown>,
  show: ((result: unknown) => unknown) | undefined,
): AgentEvent<unknown> {
  if (show === undefined || event.type !== 'run-end') return event;
  const result = show(event.result);
  return result === event.result ? event : ({ ...event, result } as AgentEvent<unknown>);
}

/** An event without `keys`: itself when it holds none. */
function withoutKeys(
  event: AgentEvent<unknown>,
  keys: readonly string[],
  memo: ScanMemo,
): AgentEvent<unknown> {
  if (event.type !== 'tool-call') return scrubSecrets(event, keys, memo);
  // `args` keeps its identity (the approval broker knows a call by it); doors show `redactedArgs`.
  const { args, ...rest } = event;
  const shown = scrubSecrets(event.redactedArgs ?? args, keys, memo);
  const others = scrubSecrets(rest, keys, memo);
  if (shown === (event.redactedArgs ?? args) && others === rest) return event;
  return { ...others, args, redactedArgs: shown } as AgentEvent<unknown>;
}

function asDeltas(like: AgentEvent<unknown>, pieces: readonly HeldPiece[]): AgentEvent<unknown>[] {
  const { path, stepNumber } = like as { path: AgentEvent<unknown>['path']; stepNumber: number };
  const out: AgentEvent<unknown>[] = [];
  for (const piece of pieces) {
    if (piece.text === '') continue;
    const type = piece.kind === 'text' ? 'text-delta' : 'thought-delta';
    out.push({ type, path, stepNumber, text: piece.text } as AgentEvent<unknown>);
  }
  return out;
}

/** One step's text and thought deltas at one path of the run's tree. @internal */
export function channelOf(path: readonly string[], stepNumber: number): string {
  return path.length === 0 ? `#${stepNumber}` : `${path.join('\u0000')}#${stepNumber}`;
}

/** Whether `a` and `b` name the same agent of the run's tree. @internal */
export function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, index) => name === b[index]);
}

/**
 * `value` (a unary run's result, a chat turn's) without the keys of `agent`'s client: what a door
 * answers of a run it did not stream (see {@link keylessEvents}), with the keys of its subagents'
 * and hand-off receivers' clients too. Itself for an agent gemloop did not make. `memo`: the
 * door's texts found clean ({@link ScanMemo}), so a thread's stored turns are scanned once. @internal
 */
export function keylessResult<T>(agent: RunnableAgent<unknown>, value: T, memo?: ScanMemo): T {
  const keys = agentKeysOf(agent);
  return keys.length === 0 ? value : scrubSecrets(value, keys, memo);
}

/**
 * The keys of every client a run of `agent` can reach (its own, its subagents', its hand-off
 * receivers'; {@link treeKeysOf}); none for an agent gemloop did not make. @internal
 */
export function agentKeysOf(agent: RunnableAgent<unknown>): string[] {
  const config = agentTurnsOf(agent).handoffTarget?.(undefined).config;
  return treeKeysOf(config, agentTurnsOf as TurnsOf);
}

/**
 * {@link agentKeysOf} as a reader to ask at each event: the tree walked once, here, and each of
 * its clients asked at each call (a client may learn a credential later: a Vertex access token).
 * A durable run's stream asks until a key is named, so an agent whose clients have none walked
 * the whole tree at every event (1–3 µs each); now it calls the clients' readers, or nothing when
 * no client of the tree has one. @internal
 */
export function agentKeysReader(agent: RunnableAgent<unknown>): () => readonly string[] {
  const config = agentTurnsOf(agent).handoffTarget?.(undefined).config;
  // Every agent a plugin of the tree hands to is declared (`AgentPlugin.receivers`): one walk.
  const sources = treeKeySources(config, agentTurnsOf as TurnsOf);
  return () => (sources.length === 0 ? [] : keysOf(sources));
}

/**
 * The keys of every client a stream gemloop made can reach (its agent's, its subagents', its
 * hand-off receivers'; {@link treeKeysOf}); none for a stream it does not know. @internal
 */
export function streamKeysOf(stream: object): string[] {
  return treeKeysOf(keySourceOf(stream) as KeyedConfig | undefined, agentTurnsOf as TurnsOf);
}
