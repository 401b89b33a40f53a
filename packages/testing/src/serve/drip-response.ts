/** What {@link dripResponse} writes to: a `node:http` `ServerResponse`, or anything shaped so. */
export type DripTarget = {
  write(chunk: string): boolean;
  end(chunk?: string): unknown;
  once(event: 'drain', listener: () => void): unknown;
  readonly destroyed: boolean;
};

/** What {@link dripResponse} writes: `head`, `filler` until `bytes` are sent, then `tail`. */
export type DripParts = {
  head: string;
  /** Written again and again (64 KiB of `x`, say) until `bytes` of it are sent. */
  filler: string;
  /** How much of `filler` to send; `Infinity` for an answer that never ends. */
  bytes: number;
  tail: string;
  /** Called with the length of each `filler` written: what the client was made to take. */
  onWrite?: ((bytes: number) => void) | undefined;
};

/**
 * Writes a large or endless answer the way a hostile server does, for tests of a client's size
 * caps (`maxResponseBytes` of `connectMcpHttp`, `a2aAgent`, `createGemini`): `head`, then
 * `filler` while the socket takes it (waiting for `drain`, so memory stays flat on the server's
 * side), stopping as soon as the client hangs up, then `tail` if it is still there. The server
 * around it is yours (`node:http`'s `createServer`); this only paces the body.
 *
 * @example
 * createServer((request, response) => {
 *   response.writeHead(200, { 'content-type': 'application/json' });
 *   dripResponse(response, { head: '{"text":"', filler: 'x'.repeat(65_536), bytes: 64 * 2 ** 20, tail: '"}' });
 * });
 */
export function dripResponse(response: DripTarget, parts: DripParts): void {
  response.write(parts.head);
  let sent = 0;
  const more = (): void => {
    while (sent < parts.bytes && !response.destroyed) {
      sent += parts.filler.length;
      parts.onWrite?.(parts.filler.length);
      if (!response.write(parts.filler)) {
        response.once('drain', more);
        return;
      }
    }
    if (!response.destroyed) response.end(parts.tail);
  };
  more();
}
