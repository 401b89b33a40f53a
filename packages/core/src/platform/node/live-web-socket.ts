/** The WebSocket class a live session opens its socket with. @internal */
export type WebSocketClass = typeof globalThis.WebSocket;

/**
 * The platform `WebSocket` where Node has one (Node 22+: a global), else undici's (the same
 * WHATWG implementation Node 22 ships, and already a dependency of core) on Node 20, where the
 * global is missing. No hand-written framing either way. Loaded on first use: most programs never
 * open a live session.
 * @internal
 */
export async function loadWebSocket(): Promise<WebSocketClass> {
  if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
  const undici = await import('undici');
  return undici.WebSocket as unknown as WebSocketClass;
}
