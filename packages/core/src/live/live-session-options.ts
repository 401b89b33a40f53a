import type { Content } from '../wire/content.ts';
import type { LiveToolBehavior, LiveToolScheduling } from './live-event.ts';

/** The options of {@link createLiveSession}. */
export type LiveSessionOptions = {
  /**
   * The Live model, e.g. `gemini-3.1-flash-live-preview`: Live models are not the
   * generateContent models, so this usually differs from the agent's. @defaultValue the agent's
   */
  model?: string | undefined;
  /** What the model answers with (`responseModalities`). @defaultValue 'text' */
  modality?: 'text' | 'audio' | undefined;
  /** With `modality: 'audio'`, ask for input and output transcripts. @defaultValue true */
  transcripts?: boolean | undefined;
  /** `generationConfig.speechConfig` (the voice), sent as is. */
  speechConfig?: Record<string, unknown> | undefined;
  /** `realtimeInputConfig` (activity detection, turn coverage), sent as is. */
  realtimeInputConfig?: Record<string, unknown> | undefined;
  /**
   * The model's context window, for compression's trigger. @defaultValue gemloop's table, else
   * 131072 (Google's Live models)
   */
  contextWindowTokens?: number | undefined;
  /**
   * Context window compression: on by default, triggered at 80 % of the window; `false` turns it
   * off (sessions then end at the server's limit: 15 minutes of audio).
   */
  contextWindowCompression?:
    | false
    | { triggerTokens: number; targetTokens?: number | undefined }
    | undefined;
  /** Per-tool `behavior` overrides, by tool name (else the tool's own, else `BLOCKING`). */
  toolBehavior?: Readonly<Record<string, LiveToolBehavior>> | undefined;
  /**
   * How background tools' results are delivered when the tool does not say (its `scheduling`).
   * @defaultValue 'WHEN_IDLE' (the API's default)
   */
  toolScheduling?: LiveToolScheduling | undefined;
  /**
   * A conversation to start from (a chat's `contents`): sent once, before any input, as the
   * session's initial history (`historyConfig.initialHistoryInClientContent`), which triggers no
   * answer. Text parts only: thoughts, function calls and responses, and media are left out.
   * Not sent again on a resume (the server has it).
   */
  history?: readonly Content[] | undefined;
  /** Resume an earlier session from its last handle (`session.handle`). */
  resumeHandle?: string | undefined;
  /**
   * Open the new connection before closing the old one on `goAway`. Off by default: users report
   * that "Gemini rejects a resume with 1011 while an earlier socket of the same session is still
   * open" (aicc2025/sip-to-ai PR #14); when on and the server refuses, the old socket is closed
   * and the resume tried again. @defaultValue false
   */
  overlapReconnect?: boolean | undefined;
  /**
   * How long a connection may take to answer the setup (`setupComplete`) before it counts as
   * failed: a hang guard. @defaultValue 30000
   */
  connectTimeoutMs?: number | undefined;
  /** Resumes in a row that may fail before the session fails. @defaultValue 5 */
  maxReconnectAttempts?: number | undefined;
  /** The largest server frame accepted, in bytes. @defaultValue 16 MiB */
  maxFrameBytes?: number | undefined;
  /**
   * The most bytes of events waiting for the reader, and of messages waiting for a socket
   * during a reconnection. @defaultValue 32 MiB
   */
  maxBufferedBytes?: number | undefined;
  /** Closes the session when aborted. */
  signal?: AbortSignal | undefined;
};
