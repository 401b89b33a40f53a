// The live-session file: a sibling of the run file in the same folder, written by
// createLiveRecorder and read by `gemloop view`. Its own name (`<time>-live-<uuid>.jsonl`) and
// first line (`{"type":"live-start","format":1,`): readers of run files (the run recorder's
// pruner, `gemloop replay`, `@gemloop/evals`, an older viewer) select runs by name and header,
// so they pass a live file over instead of misreading a story with no steps as a broken run.

/** The format of the live-session file; bumped when a reader would misread older files. */
export const RECORDED_LIVE_FORMAT = 1;

/**
 * The longest text one line of a live file keeps (a turn's model text, each transcript, a
 * user's text, a tool error's message); the rest is cut with `…` and the line says how many
 * characters it had (`…Chars`). A model can talk for minutes in one turn.
 */
export const MAX_RECORDED_LIVE_TEXT_CHARS = 4000;

/**
 * The longest tool name or call id a line keeps; longer is cut with a note of how many characters
 * were left out. A declared tool's name is at most 128 characters (check-tool-name.ts), so only a
 * call of a tool the session does not have is cut: the server names it, and a 5 MB name was
 * written whole in its call's line and again in its error's (attack41), 10 MB of the session's
 * 20 MB after one call. Spans cut it alike (`boundName`).
 */
export const MAX_RECORDED_LIVE_NAME_CHARS = 128;

/** The longest JSON of a tool call's arguments or result kept; longer is cut to a note. */
export const MAX_RECORDED_LIVE_VALUE_CHARS = 16_000;

/** What a recorded session's lines count of audio: chunks and bytes, never the bytes themselves. */
export type RecordedAudio = { chunks: number; bytes: number };

/** A Live usage report as recorded: the server's token counts and its cost. */
export type RecordedLiveUsage = {
  promptTokenCount?: number | undefined;
  responseTokenCount?: number | undefined;
  thoughtsTokenCount?: number | undefined;
  totalTokenCount?: number | undefined;
};

/**
 * One line of a live-session file. Every line has `at` (ms since the epoch). Never written: the
 * API key, an ephemeral token, the resumption handle (it resumes the session: a credential for
 * two hours), audio bytes (counted in `audio`).
 */
export type RecordedLiveLine =
  | {
      type: 'live-start';
      format: typeof RECORDED_LIVE_FORMAT;
      sessionId: string;
      agentName: string | undefined;
      model: string;
      /** `'audio'` or `'text'`: what the session asked the model to answer with. */
      modality: 'audio' | 'text';
      /** The session began from a handle (`resumeHandle`): it continues an earlier one. */
      resumed: boolean;
      gemloopVersion: string;
      at: number;
    }
  /** What the user sent: text (`sendText`), or audio counted since the last line of its kind. */
  | { type: 'user-text'; text: string; textChars?: number | undefined; at: number }
  | { type: 'user-audio'; audio: RecordedAudio; ended: boolean; at: number }
  /**
   * A model turn: written when it ends (`turn-end`), is interrupted, or is cut by a reconnection
   * (`discarded`: the server answers it again). Text and transcripts are cut at
   * {@link MAX_RECORDED_LIVE_TEXT_CHARS}.
   */
  | {
      type: 'turn';
      turn: number;
      outcome: 'complete' | 'interrupted' | 'discarded';
      reason?: string | undefined;
      text?: string | undefined;
      textChars?: number | undefined;
      thoughts?: string | undefined;
      thoughtsChars?: number | undefined;
      inputTranscript?: string | undefined;
      inputTranscriptChars?: number | undefined;
      outputTranscript?: string | undefined;
      outputTranscriptChars?: number | undefined;
      audio?: RecordedAudio | undefined;
      startedAt: number;
      at: number;
    }
  | {
      type: 'tool-call';
      toolCallId: string;
      toolName: string;
      /** With the tool's `secretArguments` as `'[redacted]'`; JSON past the bound is a note. */
      args: unknown;
      behavior: 'BLOCKING' | 'NON_BLOCKING';
      /**
       * Present when the server sent the call without an id (Vertex): `toolCallId` is then the
       * session's local key (`live-call-<n>`), which never went on the wire.
       */
      idless?: true | undefined;
      at: number;
    }
  | {
      type: 'tool-result';
      toolCallId: string;
      toolName: string;
      output: unknown;
      scheduling?: string | undefined;
      /** What ran when an approval modified the call, redacted and bounded as `args` are. */
      modifiedArgs?: unknown;
      at: number;
    }
  | {
      type: 'tool-error';
      toolCallId: string;
      toolName: string;
      outcome: string;
      message: string;
      /** What ran when an approval modified the call, redacted and bounded as `args` are. */
      modifiedArgs?: unknown;
      at: number;
    }
  | { type: 'reconnect'; reason: string; attempt: number; discardedTurn: boolean; at: number }
  | { type: 'usage'; usage: RecordedLiveUsage; cost: unknown; at: number }
  | { type: 'plugin'; plugin: string; kind: string; data?: unknown; at: number }
  | { type: 'finish'; stoppedBy: { plugin: string; reason: string }; at: number }
  /** A guardrail check on a live call or a sent text: its reason, never the value checked. */
  | {
      type: 'guardrail';
      name: string;
      phase: string;
      verdict: string;
      tripped: boolean;
      reason?: string | undefined;
      toolName?: string | undefined;
      toolCallId?: string | undefined;
      at: number;
    }
  /** The session's bytes passed `maxSessionBytes`: lines after it are dropped, but the end. */
  | { type: 'truncated'; reason: string; at: number }
  | {
      type: 'live-end';
      outcome: 'closed' | 'error';
      /** `code`: a gemloop error's, as a run file's error records it. */
      error?:
        | { name: string; code?: string | undefined; reason?: string | undefined; message: string }
        | undefined;
      turns: number;
      toolCalls: number;
      reconnects: number;
      audioIn: RecordedAudio;
      audioOut: RecordedAudio;
      usage: RecordedLiveUsage;
      /** The sum of the usage reports' `cost.total` (US dollars, exact decimal), when all known. */
      costUsd: string | undefined;
      /** Lines dropped past `maxSessionBytes` (0 when none). */
      droppedLines: number;
      at: number;
    };

/**
 * What the live recorder reads of a live session's events: `LiveEvent` of `@gemloop/core/live`
 * fits it (the recorder sits below the live layer, so it names the shape, not the type).
 */
export type LiveRecorderEvent =
  | { type: 'text-delta' | 'thought-delta'; text: string }
  | { type: 'input-transcript' | 'output-transcript'; text: string; finished?: boolean }
  | { type: 'audio'; data: string; mimeType?: string }
  | {
      type: 'tool-call';
      toolCallId: string;
      toolName: string;
      args: Record<string, unknown>;
      behavior: 'BLOCKING' | 'NON_BLOCKING';
      idless?: true | undefined;
    }
  | {
      type: 'tool-result';
      toolCallId: string;
      toolName: string;
      output: unknown;
      scheduling: string | undefined;
      modifiedArgs?: Record<string, unknown> | undefined;
    }
  | {
      type: 'tool-error';
      toolCallId: string;
      toolName: string;
      outcome: string;
      message: string;
      modifiedArgs?: Record<string, unknown> | undefined;
    }
  | { type: 'interrupted' }
  | { type: 'turn-end'; reason: string | undefined }
  | { type: 'usage'; usage: unknown; cost: { total: string | null } }
  | { type: 'reconnect'; reason: string; attempt: number; discardedTurn: boolean }
  /** What a plugin reported (`run.emit`) during a live session. */
  | { type: 'plugin'; plugin: string; kind: string; data?: unknown }
  /** A plugin ended the session (`run.finish`). */
  | { type: 'finish'; stoppedBy: { plugin: string; reason: string } }
  /** A guardrail check (a tool call's, or a sent text's). */
  | {
      type: 'guardrail';
      name: string;
      phase: string;
      verdict: string;
      tripped: boolean;
      reason?: string | undefined;
      toolName?: string | undefined;
      toolCallId?: string | undefined;
    };
