import type { ResolvedAddress } from './push-notification-options.ts';

/** What one webhook POST sends. @internal */
export type PinnedPostRequest = {
  url: URL;
  /** The addresses the host was checked to resolve to: the socket connects to these. */
  addresses: readonly ResolvedAddress[];
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
};

/** POSTs a webhook to checked addresses and resolves with the HTTP status. @internal */
export type PinnedPost = (request: PinnedPostRequest) => Promise<number>;

type LookupCallback = (
  error: Error | null,
  address: string | { address: string; family: number }[],
  family?: number,
) => void;

/**
 * A POST whose socket connects to the addresses the URL's check resolved, never asking DNS again:
 * a name that answered a public address to the check and an internal one a moment later (DNS
 * rebinding) cannot lead the request inside. TLS still verifies the certificate against the URL's
 * host name (SNI and identity use the host, not the address); `agent: false` keeps the socket out
 * of any pool; Node's client follows no redirect. `undefined` where `node:http` is missing
 * (Workers, which resolve names themselves and reach no private network): the door then uses
 * `fetch`. The same pinning as `@gemloop/tools`' web fetch (`web-fetch/request-once.ts`).
 * @internal
 */
export async function loadPinnedPost(): Promise<PinnedPost | undefined> {
  let http: typeof import('node:http');
  let https: typeof import('node:https');
  try {
    [http, https] = await Promise.all([import('node:http'), import('node:https')]);
  } catch {
    return undefined;
  }
  return ({ url, addresses, headers, body, signal }) =>
    new Promise<number>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const lookup = (
        _hostname: string,
        options: { all?: boolean | undefined },
        callback: LookupCallback,
      ): void => {
        // Answered on a later turn, as a real lookup is: Node attaches the socket's 'error'
        // listener a tick after making it, and a connect() failing at once before that would
        // emit 'error' on a socket nobody listens to.
        setImmediate(() => {
          const first = addresses[0] as ResolvedAddress;
          if (options.all === true)
            callback(
              null,
              addresses.map((entry) => ({ ...entry })),
            );
          else callback(null, first.address, first.family);
        });
      };
      const send = url.protocol === 'https:' ? https.request : http.request;
      const request = send(url, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: false,
        lookup: lookup as never,
        signal,
      });
      request.once('response', (response) => {
        // The body is not read: drop it so the socket closes.
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      // `on`: a second 'error' after the first must still find a listener.
      request.on('error', (error) => reject(signal.aborted ? signal.reason : error));
      request.end(body);
    });
}
