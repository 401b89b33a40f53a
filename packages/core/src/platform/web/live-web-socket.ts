/** The WebSocket class a live session opens its socket with. @internal */
export type WebSocketClass = typeof globalThis.WebSocket;

/**
 * The platform `WebSocket` (browsers, Workers, Deno, Bun). The Node half falls back on undici's
 * on Node 20; a browser bundle never includes undici.
 * @internal
 */
export async function loadWebSocket(): Promise<WebSocketClass> {
  if (typeof globalThis.WebSocket !== 'function') {
    throw new Error('this runtime has no WebSocket: a live session needs one');
  }
  return globalThis.WebSocket;
}
