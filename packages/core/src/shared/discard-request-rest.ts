/**
 * The part of Node's `IncomingMessage` {@link discardRequestRest} uses (structural, so the
 * portable core names no `node:` type).
 * @internal
 */
export type UnreadRequest = {
  readonly complete: boolean;
  readonly destroyed: boolean;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  once(event: 'end' | 'error' | 'close', listener: () => void): unknown;
  // `never`: Node's own listener types differ by version; every call below passes its own.
  off(event: string, listener: never): unknown;
  listeners(event: 'data'): unknown[];
  resume(): unknown;
};

/**
 * How much of a body a server left unread is read and dropped before its answer ends: past it
 * the connection is closed as it is (a client that sends more than this after its answer came
 * may see a reset). Node's `requestTimeout` bounds the time.
 * @internal
 */
export const DISCARD_LIMIT: number = 64 * 1024 * 1024;

/**
 * Reads and drops what is left of a request's body, up to {@link DISCARD_LIMIT} bytes; settles
 * once it ended, failed (the client went away) or passed the limit. For a server that answers
 * before it read the body (a 401 without the key, a 413 over its limit) and then closes the
 * connection: unread bytes in its receive buffer make the kernel send a reset, which can erase
 * the answer before the client reads it (ECONNRESET or EPIPE instead of the status). RFC 9112
 * section 9.6 ("the TCP reset problem"); whatwg-node's server does the same
 * (ardatan/whatwg-node#3611, nodejs/node#21026). Shared by `@gemloop/serve`'s doors and
 * `@gemloop/testing`'s fake Gemini. @internal
 */
export function discardRequestRest(incoming: UnreadRequest): Promise<void> {
  if (incoming.complete || incoming.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let read = 0;
    const done = () => {
      incoming.off('data', count as never);
      incoming.off('end', done as never);
      incoming.off('error', done as never);
      incoming.off('close', done as never);
      resolve();
    };
    const count = (chunk: Uint8Array) => {
      read += chunk.byteLength;
      if (read > DISCARD_LIMIT) done();
    };
    for (const listener of incoming.listeners('data')) incoming.off('data', listener as never);
    incoming.on('data', count);
    incoming.once('end', done);
    incoming.once('error', done);
    incoming.once('close', done);
    incoming.resume();
  });
}
