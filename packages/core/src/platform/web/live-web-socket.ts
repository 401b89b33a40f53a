/** The WebSocket class a live session opens its socket with. @internal */
export type WebSocketClass = typeof globalThis.WebSocket;

/**
 * The platform `WebSocket` (browsers, Workers, Deno, Bun). The Node half uses undici's, bounded
 * by `maxFrameBytes`; the platform's takes no bound (the session still refuses a message over
 * it, once read); a browser bundle never includes undici.
 * @internal
 */
export async function loadWebSocket(_maxFrameBytes: number): Promise<WebSocketClass> {
  if (typeof globalThis.WebSocket !== 'function') {
    throw new Error('this runtime has no WebSocket: a live session needs one');
  }
  return globalThis.WebSocket;
}
