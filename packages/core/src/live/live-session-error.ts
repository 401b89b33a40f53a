import { GemloopError } from '../errors/gemloop-error.ts';

/**
 * Why a live session failed:
 * - `connect-failed`: the socket did not open, or closed before `setupComplete` (the close `code`
 *   and `closeReason` say why: 1007 a message the server refused, 1008 the key).
 * - `closed-by-server`: the server closed the session with an error code.
 * - `no-resumption-handle`: the connection ended (a drop, or `goAway`'s time ran out) and the
 *   server never sent a resumable handle to continue the session with.
 * - `reconnect-failed`: `maxReconnectAttempts` resumes in a row failed (or ended within 30 s of
 *   their setup with nothing from the model), or, with `maxReconnectAttempts: 0`, the connection
 *   ended (`closeCode` says how).
 * - `frame-too-large`: a server frame was larger than `maxFrameBytes` (`limit`); with `closeCode`
 *   1009, larger than the socket's own bound on Node (twice it, at least 1 MiB over), refused unread.
 * - `buffer-full`: more than `maxBufferedBytes` of events waited for a reader, or of messages
 *   waited for a socket (a reconnection that takes too long while audio keeps coming), or behind
 *   an input guardrail's check of a text (a check that hangs), or of text, tool answers and
 *   signals sent that no resumption handle confirmed (kept to send again).
 * - `invalid-frame`: a server frame that is not a JSON object.
 * - `closed`: a message sent on a session that is over (closed, or failed); or the session's
 *   `signal` was aborted before it connected (already, or at any point of its setup: the same
 *   reason wherever the abort lands), with the signal's `reason` as the error's `cause`.
 * - `hook-failed`: the agent's approval hook (`beforeToolCall`) threw for a live call; the call
 *   was answered "not run" first, as in a run (a plugin's hook ends it with its `PluginError`).
 */
export type LiveSessionErrorReason =
  | 'connect-failed'
  | 'closed-by-server'
  | 'no-resumption-handle'
  | 'reconnect-failed'
  | 'frame-too-large'
  | 'buffer-full'
  | 'invalid-frame'
  | 'closed'
  | 'hook-failed';

/**
 * A live session ended with an error; the event iterator throws it and `session.closed` rejects
 * with it. Its message never holds the API key (URLs are redacted).
 */
export class LiveSessionError extends GemloopError {
  override readonly code = 'live-session';
  /** Why the session failed. */
  readonly reason: LiveSessionErrorReason;
  /** The WebSocket close code, when a close caused it. */
  readonly closeCode: number | undefined;
  /**
   * The server's close reason, when a close caused it: keys redacted, and the addresses it names
   * (URLs, `host:port`, IPs, paths) shown as `<url>`, `<host>`, `<path>`.
   */
  readonly closeReason: string | undefined;
  /** The limit that was passed (`frame-too-large`, `buffer-full`, `reconnect-failed`). */
  readonly limit: number | undefined;

  constructor({
    reason,
    message,
    closeCode,
    closeReason,
    limit,
    cause,
  }: {
    reason: LiveSessionErrorReason;
    message: string;
    closeCode?: number | undefined;
    closeReason?: string | undefined;
    limit?: number | undefined;
    cause?: unknown;
  }) {
    super({ message, cause });
    this.reason = reason;
    this.closeCode = closeCode;
    this.closeReason = closeReason;
    this.limit = limit;
  }

  static override isInstance(error: unknown): error is LiveSessionError {
    return GemloopError.hasCode(error, 'live-session');
  }
}
