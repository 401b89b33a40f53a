import { sleep } from '../../retry/sleep.ts';
import { LiveSessionError } from '../live-session-error.ts';
import { type Connection, closeConnection, RECONNECT_CODES } from './live-connection.ts';

/** How a session moves to a new connection. @internal */
export type ResumeAttempts = {
  old: Connection;
  /** Open the new connection before closing the old one (`overlapReconnect` on a goAway). */
  overlap: boolean;
  maxAttempts: number;
  ended(): boolean;
  /** The session's lifetime: its end cuts a backoff short (no timer outlives the session). */
  signal?: AbortSignal | undefined;
  /** Opens a connection resuming the session's last handle. */
  connect(): Promise<Connection>;
};

/** The outcome of {@link resumeOnNewConnection}. @internal */
export type Resumed =
  | { type: 'resumed'; next: Connection; attempt: number }
  | { type: 'failed'; error: unknown }
  | { type: 'ended' };

/**
 * Opens a new connection resuming the session, closing the old one first (or after, with
 * `overlap`, falling back at once when the server refuses), with backoff between attempts; a
 * refusal with a close code that is not worth retrying ends the attempts. The old connection is
 * closed whatever the outcome. @internal
 */
export async function resumeOnNewConnection(attempts: ResumeAttempts): Promise<Resumed> {
  const { old, maxAttempts } = attempts;
  let overlap = attempts.overlap;
  let lastError: unknown;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    if (attempts.ended()) return { type: 'ended' };
    // The server refuses a resume while the session's old socket is open (see
    // overlapReconnect), so the old one is closed and its close awaited first.
    if (!overlap) await closeConnection(old);
    try {
      const next = await attempts.connect();
      if (attempts.ended()) {
        next.closedByUs = true;
        next.socket.close(1000);
        return { type: 'ended' };
      }
      await closeConnection(old);
      return { type: 'resumed', next, attempt };
    } catch (error) {
      lastError = error;
      if (
        LiveSessionError.isInstance(error) &&
        error.closeCode !== undefined &&
        !RECONNECT_CODES.has(error.closeCode)
      )
        break;
      // The overlap was refused: close the old socket and try again at once. The refusal is not
      // an attempt: with maxReconnectAttempts 1 it used the only one, and the documented retry
      // without the old socket never came.
      if (overlap) {
        overlap = false;
        attempt -= 1;
        continue;
      }
      // Its end is seen at the loop's top.
      await sleep(Math.min(250 * 2 ** (attempt - 1), 4000), attempts.signal).catch(() => {});
    }
  }
  return { type: 'failed', error: lastError };
}

/**
 * Why a dropped connection ends the session, or `undefined` when it resumes: a close code not
 * worth retrying (`closed-by-server`), or no resumable handle yet (`no-resumption-handle`).
 * @internal
 */
export function dropError(
  code: number,
  reason: string,
  hasHandle: boolean,
): LiveSessionError | undefined {
  if (!RECONNECT_CODES.has(code)) {
    return new LiveSessionError({
      reason: 'closed-by-server',
      closeCode: code,
      closeReason: reason,
      message: `The Live API closed the session (${code}${reason ? `: ${reason}` : ''}).`,
    });
  }
  if (!hasHandle) {
    return new LiveSessionError({
      reason: 'no-resumption-handle',
      closeCode: code,
      closeReason: reason,
      message: `The Live API connection ended (${code}) before the server sent a resumable session handle, so the session cannot continue.`,
    });
  }
  return undefined;
}
