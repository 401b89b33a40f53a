import type { Dispatcher } from 'undici';
import { envProxy, installedDispatcher } from './select-node-transport.ts';

/** The WebSocket class a live session opens its socket with. @internal */
export type WebSocketClass = typeof globalThis.WebSocket;

/**
 * What a session's socket (on Node) holds once undici refused a server message over its bound:
 * the bound, and the `maxFrameBytes` it was made from. @internal
 */
export type RefusedFrame = { bound: number; maxFrameBytes: number };

/**
 * The most bytes the socket itself reads of one server message for a session whose
 * `maxFrameBytes` is `maxFrameBytes`: twice it, and at least 1 MiB over it. A message up to this
 * is read and refused by the session by name and size (`frame-too-large`); a larger one is
 * refused by undici at its frame header, before its payload is buffered (a close 1009 to the
 * server), and the session ends with `frame-too-large` too, naming this bound (live1009: before,
 * it saw a dropped connection, 1006, and resumed, the message lost). undici's own default is
 * 128 MiB per message (`webSocket.maxPayloadSize`, a dispatcher option in the undici 7.30 core depends on:
 * nodejs/undici#4955, backported to v7 in #5423), all of it buffered before the session could
 * look (attack25: RSS ~500 MB for a 50 MB frame). undici does not tell that refusal apart
 * (leftovers34, undici 7.30.2), so the socket's writes are watched (see watchedDispatcher):
 * `Receiver#validatePayloadLength` (lib/web/websocket/receiver.js) calls `failWebsocketConnection(handler, 1009, 'Payload size
 * exceeds maximum allowed size')` (connection.js), which writes that close frame to the server
 * and destroys the socket; `WebSocket#onSocketClose` (websocket.js) then reports what a dropped
 * connection reports, since no close frame was received: an `error` event whose `TypeError`
 * has an empty message, no cause, and a `close` event with code 1006 and reason '' (the
 * `undici:websocket:close` diagnostics channel publishes the same 1006). @internal
 */
export function transportFrameBound(maxFrameBytes: number): number {
  return Math.max(2 * maxFrameBytes, maxFrameBytes + 1024 * 1024);
}

/** What a dispatcher must have for a session's socket to go through it. */
type BaseDispatcher = { dispatch: (...args: never[]) => unknown };

/** An upgrade handler's two forms (undici 7 calls one; fetch's handler has both). */
type UpgradeHandler = {
  onUpgrade?: (status: number, headers: unknown, socket: Writable) => unknown;
  onRequestUpgrade?: (
    controller: unknown,
    status: number,
    headers: unknown,
    socket: Writable,
  ) => unknown;
};
type Writable = { write: (chunk: unknown, ...rest: never[]) => boolean };

/**
 * Whether `chunk` is the close frame undici writes when it fails a connection for a message
 * over its bound: a masked close (0x88) whose code, unmasked, is 1009 (frame.js `createFrame`:
 * mask at bytes 2-5, the code at 6-7; a close body is at most 125 bytes, so no extended length).
 */
function isTooBigClose(chunk: unknown): boolean {
  if (!(chunk instanceof Uint8Array) || chunk.length < 8 || chunk[0] !== 0x88) return false;
  const code =
    (((chunk[6] as number) ^ (chunk[2] as number)) << 8) |
    ((chunk[7] as number) ^ (chunk[3] as number));
  return code === 1009;
}

/**
 * A dispatcher for one socket: `base`'s way out, the session's frame bound (`webSocketOptions`,
 * which undici's WebSocket reads from the dispatcher it was given, in `#onConnectionEstablished`),
 * and a watch on what the upgraded socket writes, calling `onRefused` when undici sends the close
 * 1009 it sends for a message over the bound. That close is the only trace: `failWebsocketConnection`
 * (connection.js) writes it and destroys the socket, and the WebSocket then reports what a dropped
 * connection reports (an `error` whose TypeError is empty, a close 1006; websocket.js
 * `#onSocketClose`). undici 7.30 exposes nothing else (no event, no diagnostics channel carries
 * the 1009). `base` is the program's installed dispatcher, Node's env proxy agent, or an Agent.
 */
function watchedDispatcher(
  base: BaseDispatcher,
  webSocket: { maxPayloadSize: number },
  onRefused: () => void,
): Dispatcher {
  const watch = (socket: Writable): void => {
    const write = socket.write;
    socket.write = function (this: Writable, chunk: unknown, ...rest: never[]): boolean {
      if (isTooBigClose(chunk)) onRefused();
      return write.call(this, chunk, ...rest);
    };
  };
  const watched = (handler: UpgradeHandler): UpgradeHandler => {
    const wrapper: UpgradeHandler = Object.create(handler);
    const { onUpgrade, onRequestUpgrade } = handler;
    if (onUpgrade !== undefined)
      wrapper.onUpgrade = function (this: unknown, status, headers, socket) {
        watch(socket);
        return onUpgrade.call(this, status, headers, socket);
      };
    if (onRequestUpgrade !== undefined)
      wrapper.onRequestUpgrade = function (this: unknown, controller, status, headers, socket) {
        watch(socket);
        return onRequestUpgrade.call(this, controller, status, headers, socket);
      };
    return wrapper;
  };
  return {
    dispatch: (options: never, handler: UpgradeHandler) =>
      (base.dispatch as (options: never, handler: UpgradeHandler) => unknown)(
        options,
        watched(handler),
      ),
    // fetch reads it to hand a MockAgent the body as it was given.
    get isMockActive(): unknown {
      return (base as { isMockActive?: unknown }).isMockActive;
    },
    webSocketOptions: webSocket,
  } as unknown as Dispatcher;
}

/**
 * The WebSocket class a live session opens its sockets with. On Node: undici's (the WHATWG
 * implementation Node 22+ ships as its global, and already a dependency of core), constructed
 * with a dispatcher of its own whose `webSocket.maxPayloadSize` is
 * {@link transportFrameBound}`(maxFrameBytes)`: Node's global takes no such bound (through Node's
 * env proxy when it is on, or the dispatcher the program installed, as Node's own WebSocket goes). Bun and Deno
 * (which take this half too) keep their own global. No hand-written framing either way. Loaded
 * on first use: most programs never open a live session.
 * @internal
 */
export async function loadWebSocket(maxFrameBytes: number): Promise<WebSocketClass> {
  const versions = (globalThis.process?.versions ?? {}) as Record<string, string | undefined>;
  const isNode =
    versions['node'] !== undefined && versions['bun'] === undefined && !('Deno' in globalThis);
  if (!isNode && typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
  const undici = await import('undici');
  const bound = transportFrameBound(maxFrameBytes);
  const webSocket = { maxPayloadSize: bound };
  // Node's env proxy first (undici's `EnvHttpProxyAgent`, what Node's own WebSocket goes through
  // then: found on Node 22.23 and 24.22, test/runtimes/node-versions.test.ts), then the program's
  // installed dispatcher (`setGlobalDispatcher(new ProxyAgent(...))`: undici's WebSocketInit
  // defaults `dispatcher` to `getGlobalDispatcher()`, lib/web/websocket/websocket.js), else an
  // Agent of the session's own. One per session: an upgraded socket leaves its pool. The bound
  // lives on each socket's wrapper (see watchedDispatcher), not on `base`, whose own is unused.
  const installed = installedDispatcher();
  const base: BaseDispatcher = envProxy
    ? new undici.EnvHttpProxyAgent()
    : (installed ?? new undici.Agent());
  class BoundedWebSocket extends undici.WebSocket {
    /** Set once undici refused a message over the socket's bound (see watchedDispatcher). */
    refusedFrame: RefusedFrame | undefined;
    constructor(url: string | URL, protocols?: string | string[]) {
      const seen: { socket?: BoundedWebSocket } = {};
      const dispatcher = watchedDispatcher(base, webSocket, () => {
        if (seen.socket !== undefined) seen.socket.refusedFrame = { bound, maxFrameBytes };
      });
      super(url, protocols === undefined ? { dispatcher } : { protocols, dispatcher });
      seen.socket = this;
    }
  }
  return BoundedWebSocket as unknown as WebSocketClass;
}
