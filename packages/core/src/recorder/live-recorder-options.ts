import type { Logger } from '../logging/logger.ts';
import type { LiveRecorderEvent } from './recorded-live.ts';

/** Options of {@link createLiveRecorder}. */
export type LiveRecorderOptions = {
  /**
   * The folder of the files: the run recorder's by default, so `gemloop view` lists sessions
   * beside runs. @defaultValue `.gemloop/runs`
   */
  dir?: string | undefined;
  /**
   * The most bytes of live files the folder keeps: once a session passes it, the oldest finished
   * ones are deleted until the rest fit in seven eighths of it (run files are the run recorder's
   * to prune, and the other way round). The folder is walked only when the sessions written
   * since the last walk could pass the bound, or a minute after it, not after every session.
   * @defaultValue 100 MB
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
