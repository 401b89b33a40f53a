import type * as FsPromises from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../logging/logger.ts';
import {
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
} from '../options/define-options.ts';
import { version } from '../version.ts';
import { LIVE_FILES, liveFileName } from './live-file.ts';
import {
  addText,
  base64Bytes,
  boundValue,
  type Cut,
  cutField,
  cutName,
  cutText,
  recordedError,
} from './live-line-bounds.ts';
import { fromPicos, toPicos, USAGE_KEYS, usageOf } from './live-usage.ts';
import { pruneRunFiles, RUN_HEARTBEAT_MS } from './prune-run-files.ts';
import {
  type LiveRecorderEvent,
  MAX_RECORDED_LIVE_TEXT_CHARS,
  RECORDED_LIVE_FORMAT,
  type RecordedAudio,
  type RecordedLiveLine,
} from './recorded-live.ts';
import {
  checkBytes,
  checkDir,
  recorderFs as fs,
  makeFolder,
  pruneOpenFlags,
  recorderLogger,
} from './recorder-files.ts';

const MB = 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Options of {@link createLiveRecorder}. */
export type LiveRecorderOptions = {
  /**
   * The folder of the files: the run recorder's by default, so `gemloop view` lists sessions
   * beside runs. @defaultValue `.gemloop/runs`
   */
  dir?: string | undefined;
  /**
   * The most bytes of live files the folder keeps: after each session, the oldest finished ones
   * are deleted until the rest fit (run files are the run recorder's to prune, and the other
   * way round). @defaultValue 100 MB
   */
  maxBytes?: number | undefined;
  /**
   * The most bytes (UTF-8) one session writes: a session can last hours. Past it, a `truncated`
   * line, and every later line is dropped (counted in the closing line's `droppedLines`) but
   * the closing `live-end`, which keeps the session's totals. @defaultValue 20 MB
   */
  maxSessionBytes?: number | undefined;
  /** Where write failures are reported (once per session). @defaultValue silent */
  logger?: Logger | undefined;
};

/** What a recorded session starts with. */
export type LiveRecordingInfo = {
  /** A UUID (`crypto.randomUUID()`); another value is replaced by a fresh one. */
  sessionId?: string | undefined;
  agentName: string | undefined;
  model: string;
  modality: 'audio' | 'text';
  resumed: boolean;
  startedAt: number;
  /** Redacts a tool call's secret arguments (the tool's `secretArguments`). */
  redactArgs?: ((toolName: string, args: Record<string, unknown>) => unknown) | undefined;
  /**
   * Removes the client's key from a line before it is written (`recordLiveSession` passes the
   * session client's): the model may write the key (a tool result told it to print its
   * configuration) in its text, a transcription, a call's arguments or a tool's output. A turn's
   * text is joined before its line is written, so a key split over chunks is found whole.
   */
  redact?: (<T>(value: T) => T) | undefined;
};

/** One session being recorded: fed by `recordLiveSession` (or any code that drives a session). */
export type LiveRecording = {
  /** The file the session is written to. */
  readonly file: string;
  /** One event of the session, as `onEvent` sees it. */
  event(event: LiveRecorderEvent, at?: number): void;
  /** The user sent text. */
  userText(text: string, at?: number): void;
  /** The user sent a chunk of audio of `bytes` bytes (counted, never stored). */
  userAudio(bytes: number): void;
  /** The user's microphone stopped (`audioStreamEnd`). */
  userAudioEnd(at?: number): void;
  /** The session ended: `error` when it failed. Later calls are ignored. */
  end(error?: unknown, at?: number): void;
};

/** A recorder made by {@link createLiveRecorder}: pass it as `recordLiveSession(agent, { recorder })`. */
export type LiveRecorder = {
  /** The absolute folder the sessions are written to. */
  readonly dir: string;
  /** Starts recording one session. */
  startSession(info: LiveRecordingInfo): LiveRecording;
  /** Resolves once every line of the sessions so far is on disk. */
  flush(): Promise<void>;
};

type Turn = {
  startedAt: number;
  text: Cut;
  thoughts: Cut;
  inputTranscript: Cut;
  outputTranscript: Cut;
  audio: RecordedAudio;
};

// Unknown keys refused, naming the one meant (attack13). Each value is checked where it is read.
const liveRecorderKeys: DeclaredOptions<LiveRecorderOptions> = defineOptions<LiveRecorderOptions>({
  name: 'createLiveRecorder',
  example: "{ dir: '.gemloop/live' }",
  checks: {
    dir: checkedWhereUsed,
    maxBytes: checkedWhereUsed,
    maxSessionBytes: checkedWhereUsed,
    logger: recorderLogger,
  },
});

/**
 * Records live sessions (`@gemloop/core/live`) to a local folder, one JSON-lines file per
 * session (`<time>-live-<uuid>.jsonl`, first line `live-start`), for `npx gemloop view`: the
 * user's text, each model turn (its text, thoughts and transcripts, cut at
 * {@link MAX_RECORDED_LIVE_TEXT_CHARS}; its audio counted), tool calls (secret arguments
 * redacted), results and errors, interruptions, reconnections, usage and cost. Never written:
 * the API key or an ephemeral token (a session's events never carry them; where the model wrote
 * the key, `recordLiveSession` has it replaced by `[redacted]`), the resumption handle,
 * and audio bytes. Writing never fails a session: a write error is logged and that session's
 * recording stops. Node only, as the run recorder.
 *
 * @example
 * ```ts
 * const session = await recordLiveSession(agent, { recorder: createLiveRecorder(), model });
 * ```
 * @throws {@link InvalidArgumentError} for a bad option.
 */
export function createLiveRecorder(options: LiveRecorderOptions = {}): LiveRecorder {
  liveRecorderKeys.check(options);
  const dir = resolve(checkDir(options.dir));
  const maxBytes = checkBytes(options.maxBytes, 100 * MB, 'maxBytes');
  const maxSessionBytes = checkBytes(options.maxSessionBytes, 20 * MB, 'maxSessionBytes');
  const logger = options.logger;
  const writes = new Set<Promise<void>>();
  const open = new Set<string>();
  const owned = new Map<string, { inode: string; owned: boolean }>();
  let pruning: Promise<void> = Promise.resolve();
  const track = (promise: Promise<void>): void => {
    writes.add(promise);
    promise.finally(() => writes.delete(promise));
  };
  const prune = (): Promise<void> => {
    const next = pruning.then(() =>
      pruneRunFiles({
        fs: fs(),
        openFlags: pruneOpenFlags(),
        dir,
        maxBytes,
        open,
        now: Date.now(),
        owned,
        files: LIVE_FILES,
      }),
    );
    pruning = next.catch(() => undefined);
    return next;
  };

  return {
    dir,
    async flush() {
      while (writes.size > 0) await Promise.all([...writes]);
    },
    startSession(info) {
      const sessionId =
        typeof info.sessionId === 'string' && UUID.test(info.sessionId)
          ? info.sessionId
          : crypto.randomUUID();
      const file = join(dir, liveFileName(info.startedAt, sessionId));
      open.add(file);
      // The open file, closed by the session's end, or at once when a write fails.
      let fileHandle: FsPromises.FileHandle | undefined;
      let chain: Promise<FsPromises.FileHandle | undefined> = makeFolder(dir)
        .then(() => fs().open(file, 'a'))
        .then((handle) => {
          fileHandle = handle;
          return handle;
        });
      let written = 0;
      let full = false;
      let failed = false;
      let ended = false;
      let dropped = 0;
      const append = (text: string): void => {
        chain = chain
          .then(async (handle) => {
            await handle?.write(text);
            return handle;
          })
          .catch(async (error: unknown) => {
            if (!failed)
              logger?.warn?.(
                { err: error, file },
                'live recorder: writing failed; this session is not recorded further',
              );
            failed = true;
            // Closed here, not left to the garbage collector (as the run recorder, attack29).
            const dropped = fileHandle;
            fileHandle = undefined;
            await dropped?.close().catch(() => undefined);
            return undefined;
          });
        track(chain.then(() => undefined));
      };
      const redact = info.redact;
      // A server's name, id or message is redacted before it is cut: a key the cut went through
      // would keep its start, which the whole line's redaction no longer finds.
      const redacted = (text: string): string => (redact === undefined ? text : redact(text));
      const name = (text: string): string => cutName(redacted(text));
      const write = (line: RecordedLiveLine): void => {
        if (failed) return;
        const text = `${JSON.stringify(redact === undefined ? line : redact(line))}\n`;
        const bytes = Buffer.byteLength(text);
        if (line.type !== 'live-end') {
          if (full) {
            dropped++;
            return;
          }
          if (written + bytes > maxSessionBytes) {
            full = true;
            dropped++;
            append(
              `${JSON.stringify({ type: 'truncated', reason: `the session passed maxSessionBytes (${maxSessionBytes})`, at: line.at } satisfies RecordedLiveLine)}\n`,
            );
            return;
          }
        }
        written += bytes;
        append(text);
      };
      // A long quiet session keeps its file's mtime fresh, so no pruner takes it for abandoned.
      const heartbeat = setInterval(() => {
        const now = new Date();
        track(
          chain.then(async (handle) => {
            await handle?.utimes(now, now).catch(() => undefined);
          }),
        );
      }, RUN_HEARTBEAT_MS);
      heartbeat.unref?.();

      let turn: Turn | undefined;
      let turns = 0;
      let toolCalls = 0;
      let reconnects = 0;
      const audioIn: RecordedAudio = { chunks: 0, bytes: 0 };
      const audioOut: RecordedAudio = { chunks: 0, bytes: 0 };
      let pendingAudio: RecordedAudio | undefined;
      const usage: Record<(typeof USAGE_KEYS)[number], number> = {
        promptTokenCount: 0,
        responseTokenCount: 0,
        thoughtsTokenCount: 0,
        totalTokenCount: 0,
      };
      let costPicos: bigint | undefined = 0n;

      const flushAudio = (at: number, ended: boolean): void => {
        if (pendingAudio === undefined && !ended) return;
        write({ type: 'user-audio', audio: pendingAudio ?? { chunks: 0, bytes: 0 }, ended, at });
        pendingAudio = undefined;
      };
      const current = (at: number): Turn => {
        turn ??= {
          startedAt: at,
          text: { text: '', chars: 0 },
          thoughts: { text: '', chars: 0 },
          inputTranscript: { text: '', chars: 0 },
          outputTranscript: { text: '', chars: 0 },
          audio: { chunks: 0, bytes: 0 },
        };
        return turn;
      };
      const endTurn = (
        outcome: 'complete' | 'interrupted' | 'discarded',
        at: number,
        reason?: string,
      ): void => {
        const ending = turn;
        turn = undefined;
        if (ending === undefined) return;
        turns++;
        write({
          type: 'turn',
          turn: turns,
          outcome,
          ...(reason === undefined ? {} : { reason }),
          ...cutField('text', ending.text),
          ...cutField('thoughts', ending.thoughts),
          ...cutField('inputTranscript', ending.inputTranscript),
          ...cutField('outputTranscript', ending.outputTranscript),
          ...(ending.audio.chunks === 0 ? {} : { audio: ending.audio }),
          startedAt: ending.startedAt,
          at,
        });
      };

      write({
        type: 'live-start',
        format: RECORDED_LIVE_FORMAT,
        sessionId,
        agentName: info.agentName,
        model: info.model,
        modality: info.modality,
        resumed: info.resumed,
        gemloopVersion: version,
        at: info.startedAt,
      });

      return {
        file,
        event(event, at = Date.now()) {
          if (ended) return;
          if (event.type !== 'input-transcript') flushAudio(at, false);
          switch (event.type) {
            case 'text-delta':
              addText(current(at).text, event.text);
              return;
            case 'thought-delta':
              addText(current(at).thoughts, event.text);
              return;
            case 'input-transcript':
              addText(current(at).inputTranscript, event.text);
              return;
            case 'output-transcript':
              addText(current(at).outputTranscript, event.text);
              return;
            case 'audio': {
              const audio = current(at).audio;
              audio.chunks++;
              audio.bytes += base64Bytes(event.data);
              audioOut.chunks++;
              audioOut.bytes += base64Bytes(event.data);
              return;
            }
            case 'turn-end':
              endTurn('complete', at, event.reason);
              return;
            case 'interrupted':
              endTurn('interrupted', at);
              return;
            case 'reconnect':
              if (event.discardedTurn) endTurn('discarded', at);
              reconnects++;
              write({
                type: 'reconnect',
                reason: event.reason,
                attempt: event.attempt,
                discardedTurn: event.discardedTurn,
                at,
              });
              return;
            case 'tool-call':
              toolCalls++;
              write({
                type: 'tool-call',
                toolCallId: name(event.toolCallId),
                toolName: name(event.toolName),
                args: boundValue(info.redactArgs?.(event.toolName, event.args) ?? event.args),
                behavior: event.behavior,
                ...(event.idless === true ? { idless: true } : {}),
                at,
              });
              return;
            case 'tool-result':
              write({
                type: 'tool-result',
                toolCallId: name(event.toolCallId),
                toolName: name(event.toolName),
                output: boundValue(event.output),
                ...(event.scheduling === undefined ? {} : { scheduling: event.scheduling }),
                at,
              });
              return;
            case 'tool-error':
              write({
                type: 'tool-error',
                toolCallId: name(event.toolCallId),
                toolName: name(event.toolName),
                outcome: event.outcome,
                message: cutText(redacted(event.message)),
                at,
              });
              return;
            case 'usage': {
              const recorded = usageOf(event.usage);
              for (const key of USAGE_KEYS) usage[key] += recorded[key] ?? 0;
              const total = toPicos(event.cost.total);
              costPicos =
                costPicos === undefined || total === undefined ? undefined : costPicos + total;
              write({ type: 'usage', usage: recorded, cost: event.cost, at });
              return;
            }
            // As a run's recording keeps them (a plugin keeps secrets out of its data).
            case 'plugin':
              write({
                type: 'plugin',
                plugin: event.plugin,
                kind: event.kind,
                ...(event.data === undefined ? {} : { data: boundValue(event.data) }),
                at,
              });
              return;
            case 'finish':
              write({ type: 'finish', stoppedBy: event.stoppedBy, at });
              return;
            // As a run's recording keeps them: the reason (bounded), never the value checked.
            case 'guardrail':
              write({
                type: 'guardrail',
                name: event.name,
                phase: event.phase,
                verdict: event.verdict,
                tripped: event.tripped,
                ...(event.reason === undefined
                  ? {}
                  : { reason: boundValue(event.reason) as string }),
                ...(event.toolName === undefined ? {} : { toolName: name(event.toolName) }),
                ...(event.toolCallId === undefined ? {} : { toolCallId: name(event.toolCallId) }),
                at,
              });
              return;
          }
        },
        userText(text, at = Date.now()) {
          if (ended) return;
          flushAudio(at, false);
          const cut = { text: '', chars: 0 };
          addText(cut, text);
          write({
            type: 'user-text',
            text: cut.chars > cut.text.length ? `${cut.text}…` : cut.text,
            ...(cut.chars > cut.text.length ? { textChars: cut.chars } : {}),
            at,
          });
        },
        userAudio(bytes) {
          if (ended) return;
          pendingAudio ??= { chunks: 0, bytes: 0 };
          pendingAudio.chunks++;
          pendingAudio.bytes += bytes;
          audioIn.chunks++;
          audioIn.bytes += bytes;
        },
        userAudioEnd(at = Date.now()) {
          if (ended) return;
          flushAudio(at, true);
        },
        end(error, at = Date.now()) {
          if (ended) return;
          flushAudio(at, false);
          // A turn the session ended in the middle of is written as it was cut.
          endTurn('interrupted', at, 'session ended');
          ended = true;
          clearInterval(heartbeat);
          write({
            type: 'live-end',
            outcome: error === undefined ? 'closed' : 'error',
            ...(error === undefined ? {} : { error: recordedError(error) }),
            turns,
            toolCalls,
            reconnects,
            audioIn,
            audioOut,
            usage,
            costUsd: costPicos === undefined ? undefined : fromPicos(costPicos),
            droppedLines: dropped,
            at,
          });
          track(
            chain
              .then(async (handle) => {
                await handle?.close();
              })
              .catch(() => undefined)
              .finally(() => open.delete(file))
              .then(prune)
              .catch((pruneError: unknown) => {
                logger?.warn?.(
                  { err: pruneError, dir },
                  'live recorder: pruning old sessions failed',
                );
              }),
          );
        },
      };
    },
  };
}
