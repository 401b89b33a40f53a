import { join, resolve } from 'node:path';
import {
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
} from '../options/define-options.ts';
import { version } from '../version.ts';
import { createFolderPruner } from './create-folder-pruner.ts';
import { liveEventLine } from './live-event-line.ts';
import { LIVE_FILES, liveFileName } from './live-file.ts';
import {
  addText,
  base64Bytes,
  type Cut,
  cutField,
  cutName,
  recordedError,
} from './live-line-bounds.ts';
import type { LiveRecorder, LiveRecorderOptions } from './live-recorder-options.ts';
import { openLiveSessionFile } from './live-session-file.ts';
import { fromPicos, toPicos, USAGE_KEYS } from './live-usage.ts';
import {
  MAX_RECORDED_LIVE_TEXT_CHARS,
  RECORDED_LIVE_FORMAT,
  type RecordedAudio,
} from './recorded-live.ts';
import {
  checkBytes,
  checkDir,
  recorderFs as fs,
  pruneOpenFlags,
  recorderLogger,
} from './recorder-files.ts';

const MB = 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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
  const track = (promise: Promise<void>): void => {
    writes.add(promise);
    promise.finally(() => writes.delete(promise));
  };
  // Walks the folder when it may have passed maxBytes, not after every session (attack50a).
  const pruner = createFolderPruner({
    fs,
    openFlags: pruneOpenFlags,
    dir,
    maxBytes,
    open: () => open,
    files: LIVE_FILES,
  });

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
      const sessionFile = openLiveSessionFile({
        dir,
        file,
        maxSessionBytes,
        logger,
        redact: info.redact,
        track,
      });
      const write = sessionFile.write;
      let ended = false;
      const redact = info.redact;
      const redaction = {
        redacted: (text: string): string => (redact === undefined ? text : redact(text)),
        redactArgs: info.redactArgs,
      };

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
              // The server's word, any length: redacted, then cut as a name is (attack60).
              endTurn(
                'complete',
                at,
                event.reason === undefined ? undefined : cutName(redaction.redacted(event.reason)),
              );
              return;
            case 'interrupted':
              endTurn('interrupted', at);
              return;
            case 'reconnect':
              if (event.discardedTurn) endTurn('discarded', at);
              reconnects++;
              break;
            case 'tool-call':
              toolCalls++;
              break;
            case 'usage': {
              const total = toPicos(event.cost.total);
              costPicos =
                costPicos === undefined || total === undefined ? undefined : costPicos + total;
              break;
            }
          }
          const line = liveEventLine(event, at, redaction);
          if (line === undefined) return;
          if (line.type === 'usage') {
            for (const key of USAGE_KEYS) usage[key] += line.usage[key] ?? 0;
          }
          write(line);
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
            droppedLines: sessionFile.dropped,
            at,
          });
          track(
            sessionFile
              .close()
              .finally(() => open.delete(file))
              .then(() => pruner.closed(sessionFile.written))
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
