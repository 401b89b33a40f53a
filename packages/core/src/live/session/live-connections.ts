import { LiveSessionError } from '../live-session-error.ts';
import { type Connection, type Held, openLiveConnection, sendOn } from './live-connection.ts';
import { decodeLiveFrame, objectField } from './live-frames.ts';
import { LiveOutbox } from './live-outbox.ts';
import { LiveResumptionHandle } from './live-resumption-handle.ts';

/** Where {@link LiveConnections} connects, its bounds, and what it tells its session. @internal */
export type LiveConnectionsOptions = {
  url: string;
  WebSocket: typeof WebSocket;
  /** The session's setup message; a resume's is made from it (see `LiveResumptionHandle`). */
  setup: Record<string, unknown>;
  connectTimeoutMs: number;
  maxFrameBytes: number;
  /** The bound of the outbox and of each connection's resend buffer. */
  maxBufferedBytes: number;
  redact: <T>(value: T) => T;
  /** The session's lifetime: aborted when it ends. */
  signal: AbortSignal;
  /** Whether the session has ended. */
  ended(): boolean;
  /** Ends the session with `error`. */
  end(error: LiveSessionError): void;
  /** A frame of the current connection. */
  onFrame(connection: Connection, frame: Record<string, unknown>): void;
  /** The current connection closed without an error of its own (a resume may follow). */
  onDrop(code: number, reason: string): void;
};

/**
 * A live session's connections: the current one, opening the next, and what is sent: on the
 * current connection once it is ready, else held in the outbox for the next one (a resume under
 * way), and sent again after a resume. @internal
 */
export class LiveConnections {
  /** The connection the session talks on. */
  current: Connection | undefined;
  /** A resume is under way: what is sent waits in the outbox. */
  reconnecting = false;
  readonly #outbox: LiveOutbox;
  readonly #options: LiveConnectionsOptions;

  constructor(options: LiveConnectionsOptions) {
    this.#options = options;
    this.#outbox = new LiveOutbox(options.maxBufferedBytes);
  }

  /** Opens a connection: a resume of `handle`'s session, or a new session without one. */
  open(handle: string | undefined): Promise<Connection> {
    const options = this.#options;
    const historyAgain = this.current?.sent.some((sent) => sent.history) === true;
    const setup = LiveResumptionHandle.setupFor(options.setup, handle, historyAgain);
    return openLiveConnection({
      url: options.url,
      WebSocket: options.WebSocket,
      setup,
      connectTimeoutMs: options.connectTimeoutMs,
      decode: (data) => {
        const frame = decodeLiveFrame(data, options.maxFrameBytes);
        if (!LiveSessionError.isInstance(frame)) return frame;
        options.end(frame);
        return undefined;
      },
      isCurrent: (connection) => connection === this.current,
      onFrame: (connection, frame) => options.onFrame(connection, frame),
      onClose: (connection, code, reason, error) => {
        if (connection !== this.current || options.ended()) return;
        if (error !== undefined) options.end(error);
        else options.onDrop(code, reason);
      },
      redact: options.redact,
      signal: options.signal,
    });
  }

  /** Makes `connection` the session's, then plays the frames that came before. */
  adopt(connection: Connection): void {
    this.current = connection;
    const early = connection.early ?? [];
    connection.early = undefined;
    for (const frame of early) this.#options.onFrame(connection, frame);
  }

  /** Sends `message` on the current connection, or holds it for the next one. */
  send(
    message: Record<string, unknown>,
    kept: Omit<Held, 'text' | 'history'> & { history?: boolean } = {},
  ): void {
    if (this.#options.ended()) {
      throw new LiveSessionError({
        reason: 'closed',
        message:
          'The live session is closed (by close(), or by the error its events ended with): open a new one, with resumeHandle to continue it.',
      });
    }
    const text = JSON.stringify(message);
    const realtime = objectField(message['realtimeInput']);
    const media =
      realtime !== undefined &&
      (realtime['audio'] !== undefined || realtime['video'] !== undefined);
    const held: Held = { ...kept, text, history: kept.history === true, media };
    const connection = this.current;
    if (this.reconnecting || connection === undefined || !connection.ready) {
      // Held for the next connection, bounded: audio keeps coming while a resume is under way.
      const full = this.#outbox.hold(held);
      if (full !== undefined) this.#options.end(full);
      return;
    }
    this.#sendKept(connection, held);
  }

  /**
   * After a resume on `next`: what was sent on `old` after its last handle, then what waited;
   * not the answers to calls the handle does not hold (`issued` from `handles` on: the server
   * would refuse them). `false` when the session ended on a resend.
   */
  resend(old: Connection, next: Connection, handles: number): boolean {
    const known = (held: Held) => held.issued === undefined || held.issued < handles;
    const outbox = this.#outbox.take();
    for (const held of [...old.sent, ...outbox]) {
      if (known(held) && !this.#sendKept(next, held)) return false;
    }
    return true;
  }

  /** At the session's end: the current connection closed by it, nothing held any more. */
  closeAll(): void {
    const connection = this.current;
    if (connection !== undefined) {
      connection.closedByUs = true;
      connection.socket.close(1000);
    }
    this.#outbox.take();
  }

  /** {@link sendOn}, ending the session when the resend buffer holds too much to let go of. */
  #sendKept(connection: Connection, held: Held): boolean {
    const limit = this.#options.maxBufferedBytes;
    if (sendOn(connection, held, limit)) return true;
    this.#options.end(
      new LiveSessionError({
        reason: 'buffer-full',
        limit,
        message: `More than ${limit} bytes of text, tool answers and signals were sent and not confirmed by a resumption handle, so a resume would lose a turn: raise maxBufferedBytes.`,
      }),
    );
    return false;
  }
}
