import ipaddr from 'ipaddr.js';
import type { ResolvedAddress } from './push-notification-options.ts';

// Cloud metadata endpoints, refused even with allowPrivateNetwork: they hand out credentials
// (the same list as @gemloop/tools' web fetch, packages/tools/src/web-fetch/check-address.ts).
const METADATA_ADDRESSES = new Set([
  '169.254.169.254',
  '169.254.170.2',
  '100.100.100.200',
  '168.63.129.16',
  'fd00:ec2::254',
]);
const METADATA_HOSTS = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** What {@link checkPushUrl} needs besides the URL. @internal */
export type PushUrlPolicy = {
  allowPrivateNetwork: boolean;
  lookup: ((hostname: string) => Promise<readonly ResolvedAddress[]>) | undefined;
};

/**
 * Why a webhook URL a caller registered must not be called, or `undefined` when it may be: only
 * `http:`/`https:` URLs without credentials in them, whose host is (or resolves only to) public
 * unicast addresses, as the web fetch tool of `@gemloop/tools` judges them. An IPv6 address that
 * embeds an IPv4 one (NAT64, 6to4, ...) is not unicast to ipaddr.js, so it is refused outright
 * unless `allowPrivateNetwork`. Checked when the URL is registered and again before each POST
 * (a name's addresses can change between the two). @internal
 */
export async function checkPushUrl(
  text: string,
  policy: PushUrlPolicy,
): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'it is not an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'it is not http(s)';
  if (url.username !== '' || url.password !== '') {
    return 'it has credentials in it (send them as the config’s authentication)';
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '');
  if (METADATA_HOSTS.has(host.toLowerCase())) return `${host} is a cloud metadata endpoint`;
  let addresses: readonly string[];
  if (ipaddr.isValid(host)) addresses = [host];
  // Where nothing resolves names (Workers), allowPrivateNetwork lets a name through unchecked;
  // where something does, the name is resolved all the same: a name that points at a metadata
  // address (`169.254.169.254.nip.io`) must stay refused with allowPrivateNetwork too.
  else if (policy.lookup === undefined) {
    if (policy.allowPrivateNetwork) return undefined;
    return `${host} cannot be resolved here to be checked`;
  } else {
    try {
      addresses = (await policy.lookup(host)).map((each) => each.address);
    } catch {
      return `${host} could not be resolved`;
    }
    if (addresses.length === 0) return `${host} has no addresses`;
  }
  for (const address of addresses) {
    const problem = checkAddress(address, policy.allowPrivateNetwork);
    if (problem !== undefined) return host === address ? problem : `${host} resolves to ${problem}`;
  }
  return undefined;
}

function checkAddress(address: string, allowPrivateNetwork: boolean): string | undefined {
  let parsed: ReturnType<typeof ipaddr.process>;
  try {
    // process(): an IPv4-mapped IPv6 address is judged as the IPv4 address it is.
    parsed = ipaddr.process(address);
  } catch {
    return `${address} is not an IP address`;
  }
  const shown = parsed.toString();
  if (METADATA_ADDRESSES.has(shown)) return `${shown} is a cloud metadata endpoint`;
  if (allowPrivateNetwork) return undefined;
  const range = parsed.range();
  return range === 'unicast' ? undefined : `${shown} is a ${range} address, not a public one`;
}

/** The system resolver on Node, `undefined` where there is none (Workers). @internal */
export async function systemLookup(): Promise<PushUrlPolicy['lookup']> {
  try {
    const dns = await import('node:dns/promises');
    return async (hostname) => dns.lookup(hostname, { all: true, verbatim: true });
  } catch {
    return undefined;
  }
}
