import { isIP } from 'node:net';
import type { AddressPolicy } from './check-address.ts';
import { checkAddress, METADATA_HOSTS } from './check-address.ts';
import { WebFetchError } from './web-fetch-error.ts';

/** One address a host resolves to. */
export type ResolvedAddress = { address: string; family: 4 | 6 };

/**
 * Resolves a host name to all of its addresses (like `dns.promises.lookup(host, { all: true })`).
 * Inject one in tests, or to use your own resolver.
 */
export type LookupFunction = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The options of {@link resolveHost}. @internal */
export type ResolveHostOptions = {
  /** The URL's host name, as `URL.hostname` gives it (IPv6 in brackets). */
  hostname: string;
  url: string;
  lookup: LookupFunction;
  addressPolicy: AddressPolicy;
  signal: AbortSignal;
};

/**
 * Resolves a host and checks every address it resolves to, so a name that points at an internal
 * address (or mixes public and internal ones, a DNS-rebinding pattern) is refused. The caller
 * connects to the returned addresses only, never resolving the name again, so the answer cannot
 * change between the check and the connection.
 *
 * @throws {@link WebFetchError} `address-not-allowed` or `dns`.
 * @internal
 */
export async function resolveHost({
  hostname,
  url,
  lookup,
  addressPolicy,
  signal,
}: ResolveHostOptions): Promise<ResolvedAddress[]> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const name = bare.replace(/\.+$/, '');
  if (METADATA_HOSTS.has(name)) {
    throw notAllowed(url, `${name} is a cloud metadata endpoint`);
  }
  const family = isIP(bare);
  if (family !== 0) {
    const problem = checkAddress(bare, addressPolicy);
    if (problem !== undefined) throw notAllowed(url, problem);
    return [{ address: bare, family: family as 4 | 6 }];
  }

  // Not even asked once the fetch is cancelled: its answer would go nowhere.
  if (signal.aborted) throw signal.reason;
  let answer: unknown;
  try {
    answer = await abortable(Promise.resolve(lookup(bare)), signal);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    // A custom resolver may reject with anything, null included.
    const code =
      typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    throw new WebFetchError({
      reason: 'dns',
      url,
      message: `The host ${bare} could not be resolved${typeof code === 'string' ? ` (${code})` : ''}. Check the spelling of the URL.`,
      cause: error,
    });
  }
  // A custom resolver is untyped at run time: anything but a non-empty list means no addresses.
  if (!Array.isArray(answer) || answer.length === 0) {
    throw new WebFetchError({
      reason: 'dns',
      url,
      message: `The host ${bare} has no addresses. Check the spelling of the URL.`,
    });
  }
  const addresses: ResolvedAddress[] = [];
  for (const entry of answer as readonly unknown[]) {
    const address = (entry as { address?: unknown } | null)?.address;
    // Only the plain dotted or colon forms: ipaddr.js also reads "42" or "0x7f.1" as IPv4, and
    // the connection must go to exactly the address that was checked.
    const addressFamily = typeof address === 'string' ? isIP(address) : 0;
    if (addressFamily === 0) {
      throw notAllowed(
        url,
        `${bare} resolves to ${JSON.stringify(address) ?? 'nothing'}, which is not an IP address`,
      );
    }
    const problem = checkAddress(address as string, addressPolicy);
    if (problem !== undefined) throw notAllowed(url, `${bare} resolves to ${problem}`);
    // The family comes from the address, not from the resolver's label: the connection is made
    // with it, and a custom resolver may mislabel it or leave it out.
    addresses.push({ address: address as string, family: addressFamily === 6 ? 6 : 4 });
  }
  return addresses;
}

function notAllowed(url: string, problem: string): WebFetchError {
  return new WebFetchError({
    reason: 'address-not-allowed',
    url,
    message: `Refused to fetch ${url}: ${problem}. Only public internet addresses can be fetched.`,
  });
}

/** dns.lookup cannot be cancelled; stop waiting for it instead. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // Nobody waits for the answer any more; a late failure must not become an unhandled rejection.
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
