import { embeddedIPv4, METADATA_ADDRESSES, METADATA_HOSTS } from '@gemloop/core/internal';
import ipaddr from 'ipaddr.js';
import type { ResolvedAddress } from './push-notification-options.ts';

/** What {@link judgePushUrl} needs besides the URL. @internal */
export type PushUrlPolicy = {
  allowPrivateNetwork: boolean;
  lookup: ((hostname: string) => Promise<readonly ResolvedAddress[]>) | undefined;
};

/** What {@link judgePushUrl} found: why the URL must not be called, or the addresses it may reach. @internal */
export type PushUrlVerdict =
  | { problem: string; addresses?: undefined }
  | {
      problem?: undefined;
      /**
       * The checked addresses the host resolved to (the POST connects to these, not to what a
       * second lookup would say); `undefined` for a name nothing here could resolve (Workers,
       * with `allowPrivateNetwork`).
       */
      addresses: readonly ResolvedAddress[] | undefined;
    };

/**
 * Whether a webhook URL a caller registered may be called: only `http:`/`https:` URLs without
 * credentials in them, whose host is (or resolves only to) public unicast addresses, as the web
 * fetch tool of `@gemloop/tools` judges them. An IPv6 address that embeds an IPv4 one (NAT64,
 * 6to4, ...) is judged as that IPv4 address too, so a metadata endpoint stays refused in those
 * forms with `allowPrivateNetwork` as well. Checked when the URL is registered and again before
 * each POST, whose socket then connects to the addresses checked (a name's addresses can change
 * between a check and a second lookup: DNS rebinding). @internal
 */
export async function judgePushUrl(text: string, policy: PushUrlPolicy): Promise<PushUrlVerdict> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'it is not an absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { problem: 'it is not http(s)' };
  if (url.username !== '' || url.password !== '') {
    return { problem: 'it has credentials in it (send them as the config’s authentication)' };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '');
  if (METADATA_HOSTS.has(host.toLowerCase()))
    return { problem: `${host} is a cloud metadata endpoint` };
  let addresses: readonly ResolvedAddress[];
  if (ipaddr.isValid(host)) addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  // Where nothing resolves names (Workers), allowPrivateNetwork lets a name through unchecked;
  // where something does, the name is resolved all the same: a name that points at a metadata
  // address (`169.254.169.254.nip.io`) must stay refused with allowPrivateNetwork too.
  else if (policy.lookup === undefined) {
    if (policy.allowPrivateNetwork) return { addresses: undefined };
    return { problem: `${host} cannot be resolved here to be checked` };
  } else {
    try {
      addresses = await policy.lookup(host);
    } catch {
      return { problem: `${host} could not be resolved` };
    }
    if (!Array.isArray(addresses) || addresses.length === 0)
      return { problem: `${host} has no addresses` };
  }
  for (const { address } of addresses) {
    const problem = checkAddress(String(address), policy.allowPrivateNetwork);
    if (problem !== undefined)
      return { problem: host === address ? problem : `${host} resolves to ${problem}` };
  }
  return { addresses };
}

/** Why a webhook URL must not be called, or `undefined` when it may be (see {@link judgePushUrl}). @internal */
export async function checkPushUrl(
  text: string,
  policy: PushUrlPolicy,
): Promise<string | undefined> {
  return (await judgePushUrl(text, policy)).problem;
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
  const embedded =
    parsed.kind() === 'ipv6'
      ? embeddedIPv4(parsed.toByteArray()).map((bytes) => new ipaddr.IPv4(bytes))
      : [];
  const judged =
    embedded.length === 0
      ? [{ address: parsed, label: shown }]
      : embedded.map((ipv4) => ({ address: ipv4, label: `${shown} (${ipv4.toString()})` }));
  for (const { address: candidate, label } of judged) {
    if (METADATA_ADDRESSES.has(candidate.toString()))
      return `${label} is a cloud metadata endpoint`;
  }
  if (allowPrivateNetwork) return undefined;
  for (const { address: candidate, label } of judged) {
    const range = candidate.range();
    if (range !== 'unicast') return `${label} is a ${range} address, not a public one`;
  }
  return undefined;
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
