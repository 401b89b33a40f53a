import type { Dispatcher } from 'undici';
import { envProxy, installedDispatcher } from './select-node-transport.ts';

/** The WebSocket class a live session opens its socket with. @internal */
export type WebSocketClass = typeof globalThis.WebSocket;

/**
 * The most bytes the socket itself reads of one server message for a session whose
 * `maxFrameBytes` is `maxFrameBytes`: twice it, and at least 1 MiB over it. A message up to this
 * is read and refused by the session by name and size (`frame-too-large`); a larger one is
 * refused by undici at its frame header, before its payload is buffered (a close 1009 to the
 * server; the session sees a dropped connection, 1006, and resumes). undici's own default is
 * 128 MiB per message (`webSocket.maxPayloadSize`, a dispatcher option in the undici 7.30 core depends on:
 * nodejs/undici#4955, backported to v7 in #5423), all of it buffered before the session could
 * look (attack25: RSS ~500 MB for a 50 MB frame). That larger one cannot be told apart as
 * `frame-too-large` (leftovers34, undici 7.30.2): `Receiver#validatePayloadLength`
 * (lib/web/websocket/receiver.js) calls `failWebsocketConnection(handler, 1009, 'Payload size
 * exceeds maximum allowed size')` (connection.js), which writes that close frame to the server
 * and destroys the socket; `WebSocket#onSocketClose` (websocket.js) then reports what a dropped
 * connection reports, since no close frame was received: an `error` event whose `TypeError`
 * has an empty message, no cause, and a `close` event with code 1006 and reason '' (the
 * `undici:websocket:close` diagnostics channel publishes the same 1006). @internal
 */
export function transportFrameBound(maxFrameBytes: number): number {
  return Math.max(2 * maxFrameBytes, maxFrameBytes + 1024 * 1024);
}

/**
 * With Node's env proxy on (`envProxy`: `NODE_USE_ENV_PROXY=1` or `--use-env-proxy`), the
 * dispatcher a session's socket goes through the proxy with, as Node's own WebSocket does:
 * undici's `EnvHttpProxyAgent` (what Node uses for it). It drops its `webSocket` option (its
 * constructor calls `super()` without it, undici 7.30), and a socket reads its bound from the
 * dispatcher it was given (`dispatcher.webSocketOptions`), so the bound is set on the instance.
 * Found on Node 22.23 and 24.22 (test/runtimes/node-versions.test.ts): every Live connection went
 * around the proxy, which fails where the proxy is the only way out.
 */
function envProxyDispatcher(
  undici: typeof import('undici'),
  webSocket: { maxPayloadSize: number },
): Dispatcher {
  const dispatcher = new undici.EnvHttpProxyAgent({ webSocket });
  const own = (dispatcher as unknown as { webSocketOptions?: object }).webSocketOptions;
  Object.defineProperty(dispatcher, 'webSocketOptions', { value: { ...own, ...webSocket } });
  return dispatcher;
}

/**
 * The dispatcher a session's socket goes through when the program installed one of its own for
 * Node's fetch and WebSocket (`setGlobalDispatcher(new ProxyAgent(...))`, see
 * `installedDispatcher`): its `dispatch`, so the socket takes the program's way out as Node's own
 * WebSocket does (undici's WebSocketInit defaults `dispatcher` to `getGlobalDispatcher()`,
 * lib/web/websocket/websocket.js), with the session's frame bound, which the socket reads from
 * the dispatcher it was given (`webSocketOptions`, read in `#onConnectionEstablished`). The
 * installed dispatcher itself is left as it is (the program's other sockets keep its bounds).
 * Before, a session always made an `Agent` of its own and went around the program's proxy.
 */
function installedProxyDispatcher(
  installed: { dispatch: (...args: never[]) => unknown },
  webSocket: { maxPayloadSize: number },
): Dispatcher {
  return {
    dispatch: (...args: never[]) => installed.dispatch(...args),
    // fetch reads it to hand a MockAgent the body as it was given.
    get isMockActive(): unknown {
      return (installed as { isMockActive?: unknown }).isMockActive;
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
  const webSocket = { maxPayloadSize: transportFrameBound(maxFrameBytes) };
  // One dispatcher per session: an upgraded socket leaves its pool, so it holds no connection.
  // Node's env proxy first (its dispatcher is Node's own copy of undici's), then the program's.
  const installed = installedDispatcher();
  const dispatcher = envProxy
    ? envProxyDispatcher(undici, webSocket)
    : installed !== undefined
      ? installedProxyDispatcher(installed, webSocket)
      : new undici.Agent({ webSocket });
  class BoundedWebSocket extends undici.WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols === undefined ? { dispatcher } : { protocols, dispatcher });
    }
  }
  return BoundedWebSocket as unknown as WebSocketClass;
}
