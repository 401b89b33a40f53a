import { MAX_TIMER_MS } from '../../shared/max-timer-ms.ts';
import { redactLocalDetails } from '../../shared/redact-secrets.ts';
import { LiveSessionError } from '../live-session-error.ts';
import { redactLiveUrl } from '../live-url.ts';

/**
 * A message kept for a resume. `callIds`: the background calls a `toolResponse` answers (held
 * once a handle follows it). `issued`: for a `toolResponse`, the session's handle count when its
 * calls came: a handle that came after holds them; one from before does not know them.
 * @internal
 */
export type Held = {
  text: string;
  history: boolean;
  callIds?: readonly string[] | undefined;
  issued?: number | undefined;
  /** Realtime audio or video: let go first when the resend buffer is full. */
  media?: boolean | undefined;
};
/** A message sent on a connection, with its per-connection index. @internal */
export type Sent = Held & { index: number };
/** One WebSocket of a live session and what was sent on it. @internal */
export type Connection = {
  socket: WebSocket;
  /** Messages sent after the setup and not yet confirmed consumed, by per-connection index. */
  sent: Sent[];
  /** The characters held in `sent`. */
  sentBytes: number;
  nextIndex: number;
  ready: boolean;
  closedByUs: boolean;
  /** Messages before this index were sent before the last turnComplete: the server has them. */
  takenBefore: number;
  /** When the server answered the setup (`Date.now()`). */
  readyAt: number;
  /** Whether the server sent anything but resumption updates after the setup (model output). */
  heard: boolean;
  /** Whether the session opened it to resume on (after a goAway or a drop). */
  resumed: boolean;
  /** Resolves when the socket has closed (its close event). */
  gone: Promise<void>;
  markGone: () => void;
  /**
   * Frames that came between setupComplete and the session adopting the connection (a
   * resumption update follows setupComplete at once); `undefined` once adopted.
   */
  early: Record<string, unknown>[] | undefined;
};

/**
 * The `frame-too-large` error for a socket that undici closed because a server message was over
 * its bound (`refusedFrame`, set by the Node socket: #platform/live-web-socket), else `undefined`
 * (Bun's and Deno's own WebSocket never set it). Ends the session, not a resume: a resume would
 * lose that message silently, and a server that sends it once would send it again (live1009).
 */
function refusedFrameError(socket: WebSocket): LiveSessionError | undefined {
  const refused = (socket as { refusedFrame?: { bound: number; maxFrameBytes: number } })
    .refusedFrame;
  if (refused === undefined) return undefined;
  const { bound, maxFrameBytes } = refused;
  return new LiveSessionError({
    reason: 'frame-too-large',
    limit: maxFrameBytes,
    closeCode: 1009,
    message: `The Live API sent a message over the socket's bound of ${bound} bytes (twice maxFrameBytes, ${maxFrameBytes}, and at least 1 MiB over it), refused unread (close 1009); raise maxFrameBytes to accept larger messages.`,
  });
}

/** Frames kept for a connection not yet adopted: a few are expected, a flood is dropped. */
const MAX_EARLY_FRAMES = 64;

/** The close codes after which the session resumes on a new connection. @internal */
export const RECONNECT_CODES: ReadonlySet<number> = new Set([
  1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014,
]);

/** What opening a connection needs from its session. @internal */
export type OpenConnection = {
  url: string;
  WebSocket: typeof WebSocket;
  /** The setup message (with the handle to resume, if any). */
  setup: Record<string, unknown>;
  /** How long it may take to answer the setup (`connectTimeoutMs`, defaulted). */
  connectTimeoutMs: number;
  /** A frame's JSON object; `undefined` when it is not one (the session has ended itself). */
  decode(data: unknown): Record<string, unknown> | undefined;
  /** Whether `connection` is the session's now (else its frames wait in `early`). */
  isCurrent(connection: Connection): boolean;
  onFrame(connection: Connection, frame: Record<string, unknown>): void;
  /**
   * A ready connection the session did not close has closed (`reason` redacted, its local
   * details hidden); `error` when the close must end the session, not resume it (a message over
   * the socket's bound).
   */
  onClose(connection: Connection, code: number, reason: string, error?: LiveSessionError): void;
  /**
   * The session's redactor (the client's keys): a close reason is the server's words, and a
   * hostile server or gateway can echo the key in them (attack25).
   */
  redact(text: string): string;
  /**
   * The session's lifetime: once aborted, a connection not yet ready is closed and the open
   * rejects (`closed`), so a resume to a server that never answers the setup ends with the
   * session, not at `connectTimeoutMs` (attack25).
   */
  signal?: AbortSignal | undefined;
};

/**
 * Opens a WebSocket, sends the setup and resolves once the server answered it
 * (`setupComplete`); rejects with a {@link LiveSessionError} (`connect-failed`,
 * `invalid-frame`) when the server refuses, closes or never answers. @internal
 */
export function openLiveConnection(open: OpenConnection): Promise<Connection> {
  const socket = new open.WebSocket(open.url);
  socket.binaryType = 'arraybuffer';
  const connection: Connection = {
    socket,
    sent: [],
    sentBytes: 0,
    nextIndex: 0,
    ready: false,
    closedByUs: false,
    takenBefore: 0,
    readyAt: 0,
    heard: false,
    resumed: false,
    gone: Promise.resolve(),
    markGone: () => {},
    early: [],
  };
  connection.gone = new Promise<void>((resolve) => {
    connection.markGone = resolve;
  });
  const { connectTimeoutMs } = open;
  return new Promise<Connection>((resolve, reject) => {
    // A server that accepts the socket and never answers the setup must not hang the caller.
    const timer = setTimeout(
      () => {
        if (connection.ready) return;
        connection.closedByUs = true;
        // Rejected before the close: a socket still connecting may fire its close event inside
        // close(), and that handler's "closed before setupComplete" must not win (seen at load 15).
        reject(
          new LiveSessionError({
            reason: 'connect-failed',
            limit: connectTimeoutMs,
            message: `The Live API at ${redactLiveUrl(open.url)} did not answer the setup within ${connectTimeoutMs} ms (connectTimeoutMs).`,
          }),
        );
        socket.close(1000);
      },
      Math.min(connectTimeoutMs, MAX_TIMER_MS),
    );
    const signal = open.signal;
    const onAbort = () => {
      if (connection.ready) return;
      connection.closedByUs = true;
      clearTimeout(timer);
      reject(
        new LiveSessionError({
          reason: 'closed',
          message: 'The live session was closed while it connected.',
        }),
      );
      socket.close(1000);
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    void connection.gone.then(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
    socket.onopen = () => socket.send(JSON.stringify(open.setup));
    socket.onerror = () => {};
    socket.onmessage = (event: MessageEvent) => {
      const frame = open.decode(event.data);
      if (frame === undefined) {
        if (!connection.ready)
          reject(
            new LiveSessionError({
              reason: 'invalid-frame',
              message: 'The server sent an invalid frame before setupComplete.',
            }),
          );
        socket.close(1000);
        return;
      }
      if (!connection.ready) {
        if (frame['setupComplete'] === undefined) return;
        connection.ready = true;
        connection.readyAt = Date.now();
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(connection);
        return;
      }
      if (open.isCurrent(connection)) open.onFrame(connection, frame);
      else if (connection.early !== undefined && connection.early.length < MAX_EARLY_FRAMES) {
        connection.early.push(frame);
      }
    };
    socket.onclose = (event: CloseEvent) => {
      connection.markGone();
      // The server's words, or a gateway's in front of it: the keys out, and what it names of
      // the machines behind it (`upstream 10.0.0.5:8443 reset`, a URL, a path) as `<host>`,
      // `<url>`, `<path>`, as an HTTP error body's are (describeApiError), so the caller's error,
      // its `closeReason` and a recording never show an internal address (attack62c).
      const reason = redactLocalDetails(open.redact(event.reason));
      const tooLarge = refusedFrameError(socket);
      if (tooLarge !== undefined && !connection.closedByUs) {
        if (!connection.ready) reject(tooLarge);
        else open.onClose(connection, event.code, reason, tooLarge);
        return;
      }
      if (!connection.ready) {
        // Closed by the time limit or the caller's abort, which rejected already with their words.
        if (connection.closedByUs) return;
        reject(
          new LiveSessionError({
            reason: 'connect-failed',
            closeCode: event.code,
            closeReason: reason,
            message: `The Live API at ${redactLiveUrl(open.url)} closed the connection before setupComplete (${event.code}${reason ? `: ${reason}` : ''}).`,
          }),
        );
        return;
      }
      if (connection.closedByUs) return;
      open.onClose(connection, event.code, reason);
    };
  });
}

/**
 * Sends a message on `connection` and keeps it for a resume until the server reports it
 * consumed, bounded by `maxBufferedBytes`: the oldest audio and video go first. Returns `false`,
 * sending nothing, when what is kept is over the bound with no audio or video left to let go:
 * the session must end (a resume would lose a turn). @internal
 */
export function sendOn(connection: Connection, held: Held, maxBufferedBytes: number): boolean {
  const { text } = held;
  connection.sent.push({ ...held, index: connection.nextIndex });
  connection.sentBytes += text.length;
  connection.nextIndex += 1;
  // A server that never confirms (or a long monologue between two updates) would otherwise grow
  // this without end; @google/genai's types say the index exists to "limit buffering". Old audio
  // and video are let go of ("partial audio and video frames are likely not needed", ibid.); a
  // text, a tool answer or a control signal never is: losing one would lose or break a turn.
  while (connection.sentBytes > maxBufferedBytes) {
    const oldest = connection.sent.findIndex((sent) => sent.media === true);
    if (oldest === -1) return false;
    connection.sentBytes -= (connection.sent.splice(oldest, 1)[0] as Sent).text.length;
  }
  connection.socket.send(text);
  return true;
}

/**
 * Forgets what a resumption update says the server holds, and returns the background calls
 * whose answers it holds. @internal
 */
export function takeConsumed(
  connection: Connection,
  update: Record<string, unknown>,
  resumable: boolean,
): string[] {
  // lastConsumedClientMessageIndex (int64 as a string) says exactly what the handle's state
  // holds, but only with `transparent`, which the Gemini API refuses (see live-setup.ts).
  // Without it, a resumable handle is taken to hold what was sent before the last turnComplete
  // (the server answered after it); what was sent since is sent again on a resume. Counting per
  // connection from the first message after the setup is an assumption checked against the
  // fake only.
  const consumed = messageIndexOf(update['lastConsumedClientMessageIndex']);
  const indexed = consumed !== undefined;
  const before = indexed ? consumed + 1 : resumable ? connection.takenBefore : undefined;
  // A background call's answer sent before a resumable handle came is held by it too, turn or
  // no turn: a SILENT answer starts none, and a server that takes a handle right after it (as
  // the fake does) no longer knows the call, so sending the answer again would be refused
  // (1007). Google's guidance is this for every message: buffer "messages sent since last
  // SessionResmumptionTokenUpdate" [sic] (LiveServerSessionResumptionUpdate
  // .lastConsumedClientMessageIndex, @google/genai src/types.ts). The session plays a new
  // connection's early frames before it sends anything again, so a handle is only ever told of
  // what was sent before it came. An answer still in flight when the server took the handle is
  // the case this misses, as the turnComplete rule above does for any message. With the index,
  // the index alone says.
  const held = (sent: Sent) =>
    (before !== undefined && sent.index < before) ||
    (!indexed && resumable && sent.callIds !== undefined);
  const heldCallIds: string[] = [];
  if (before !== undefined || resumable) {
    for (const sent of connection.sent) if (held(sent)) heldCallIds.push(...(sent.callIds ?? []));
    connection.sent = connection.sent.filter((sent) => !held(sent));
    connection.sentBytes = connection.sent.reduce((total, sent) => total + sent.text.length, 0);
  }
  return heldCallIds;
}

/**
 * An int64 message index as proto3 JSON writes it (a string of digits, or a number), else
 * `undefined`. `Number()` read `null`, `''`, `true` and `[]` as 0 and `'0x1'`, `'1e2'` as
 * numbers: a relay that writes absent fields as `null` made every update say "message 0
 * consumed", so what the handle held was sent again on a resume (attack57).
 */
function messageIndexOf(value: unknown): number | undefined {
  const index =
    typeof value === 'string' && /^\d+$/.test(value)
      ? Number(value)
      : typeof value === 'number'
        ? value
        : Number.NaN;
  return Number.isSafeInteger(index) && index >= 0 ? index : undefined;
}

/** How long a close handshake may take before the socket is given up on: a hang guard. */
const CLOSE_WAIT_MS = 5000;

/**
 * Closes a connection's socket (code 1000) and waits for its close event, at most CLOSE_WAIT_MS.
 * @internal
 */
export async function closeConnection(connection: Connection): Promise<void> {
  connection.closedByUs = true;
  connection.socket.close(1000);
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    connection.gone,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
}
