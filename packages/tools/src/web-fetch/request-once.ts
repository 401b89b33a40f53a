import type { LookupAddress } from 'node:dns';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ResolvedAddress } from './resolve-host.ts';
import { WebFetchError } from './web-fetch-error.ts';

/** The options of {@link requestOnce}. @internal */
export type RequestOnceOptions = {
  url: URL;
  /** The checked addresses of the URL's host; the connection goes to these and nowhere else. */
  addresses: readonly ResolvedAddress[];
  headers: OutgoingHttpHeaders;
  signal: AbortSignal;
};

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * Sends one GET and resolves with the response head; the body is left for the caller to read.
 * The socket connects to the pre-checked addresses through a `lookup` that never consults DNS,
 * while TLS still verifies the certificate against the URL's host name (SNI and identity check
 * use the host, not the address). `agent: false` keeps the socket out of any pool, so it cannot
 * be reused for another host.
 *
 * @throws {@link WebFetchError} `network` when no response arrives; the signal's reason on abort.
 * @internal
 */
export function requestOnce({
  url,
  addresses,
  headers,
  signal,
}: RequestOnceOptions): Promise<IncomingMessage> {
  const pinnedLookup = (
    _hostname: string,
    options: { all?: boolean | undefined },
    callback: LookupCallback,
  ): void => {
    const first = addresses[0] as ResolvedAddress;
    // Answer on a later turn of the event loop, as a real DNS lookup does. Node's HTTP client
    // attaches its socket 'error' listener a tick after creating the socket; a synchronous answer
    // made connect() run before that, and a connect() that fails at once (ENETUNREACH for an
    // IPv6-only host on an IPv4-only machine, EPERM/EACCES from a firewall) then emitted 'error'
    // on a socket nobody listened to, which kills the process.
    setImmediate(() => {
      if (options.all === true)
        callback(
          null,
          addresses.map((entry) => ({ ...entry })),
        );
      else callback(null, first.address, first.family);
    });
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<IncomingMessage>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const request = send(url, {
      method: 'GET',
      headers,
      agent: false,
      lookup: pinnedLookup as never,
      signal,
    });
    request.once('response', resolve);
    // `on`, not `once`: a second 'error' (a socket failing after the first one, or mid-body) must
    // find a listener, or it would crash the process. Only the first one settles the promise.
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      reject(
        new WebFetchError({
          reason: 'network',
          url: url.href,
          message: `Could not get a response from ${url.host}: ${describeNetworkError(error)}. The site may be down; try again later or use another source.`,
          cause: error,
        }),
      );
    });
    request.end();
  });
}

function describeNetworkError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'the connection was refused';
    case 'ECONNRESET':
      return 'the connection was reset';
    case 'ETIMEDOUT':
      return 'the connection timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host is unreachable';
    case 'EPERM':
    case 'EACCES':
      return `the connection was blocked on this machine (${error.code}), perhaps by a firewall`;
    default:
      return error.code?.startsWith('ERR_TLS') || error.code?.includes('CERT')
        ? `the TLS certificate was rejected (${error.code})`
        : (error.code ?? error.message);
  }
}
