import { createRequire } from 'node:module';
import {
  embeddedIPv4,
  METADATA_ADDRESSES,
  METADATA_HOSTS,
  requireDependency,
} from '@gemloop/core/internal';
import type ipaddrModule from 'ipaddr.js';
import { quoteEntry } from '../internal/quote-entry.ts';

type Ipaddr = typeof ipaddrModule;
type IpAddress = ReturnType<Ipaddr['parse']>;

/**
 * ipaddr.js on first use (a synchronous CommonJS load), so importing the package stays cheap. Named
 * in a literal `require()` too, so that an app's bundler takes it in: `createRequire` alone is a
 * call no bundler follows, and every fetch of a bundled app failed with "Cannot find module
 * 'ipaddr.js'" (attack47b).
 */
function loadIpaddr(): Ipaddr {
  return requireDependency({
    name: 'ipaddr.js',
    neededBy: 'The web fetch tool',
    bundled: () => require('ipaddr.js'),
    nodeRequire: () => createRequire(import.meta.url),
  }) as Ipaddr;
}

// The cloud metadata endpoints, refused even with `allowPrivateNetwork` (one list with
// @gemloop/serve's push webhooks, in core).
export { METADATA_ADDRESSES, METADATA_HOSTS };

/** Which internal addresses may be fetched anyway. @internal */
export type AddressPolicy = {
  /** Every address except the metadata endpoints. */
  allowPrivateNetwork: boolean;
  /** CIDR ranges allowed although internal, from `allowedAddressRanges`. */
  allowedRanges: readonly AddressRange[];
};

/** A parsed CIDR range. @internal */
export type AddressRange = [IpAddress, number];

/**
 * Parses `allowedAddressRanges` entries: CIDR (`10.1.0.0/16`, `fd12::/64`) or single addresses.
 * Throws a plain message for a bad entry.
 * @internal
 */
export function parseAddressRanges(entries: readonly string[]): AddressRange[] {
  const ipaddr = loadIpaddr();
  return entries.map((entry) => {
    if (typeof entry !== 'string')
      throw new Error(`entries must be strings, got ${quoteEntry(entry)}`);
    const text = entry.trim();
    try {
      if (text.includes('/')) return ipaddr.parseCIDR(text);
      const address = ipaddr.parse(text);
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    } catch {
      throw new Error(
        `${quoteEntry(entry)} is not an IP address or CIDR range such as "10.1.0.0/16"`,
      );
    }
  });
}

/**
 * Why an address must not be fetched, or `undefined` when it may be. Only ipaddr.js's `unicast`
 * range (public addresses) passes by default: loopback, private, link-local, carrier-grade NAT,
 * multicast, broadcast, unspecified, documentation, benchmarking, unique-local and Teredo are
 * refused. An IPv6 address that carries an IPv4 address (IPv4-mapped `::ffff:0:0/96`,
 * IPv4-translated `::ffff:0:0:0/96`, IPv4-compatible `::/96`, NAT64 `64:ff9b::/96` and
 * `64:ff9b:1::/48`, 6to4 `2002::/16`) is judged by that IPv4 address, since that is where a
 * gateway or the kernel may deliver it. `allowedAddressRanges` and `allowPrivateNetwork` open
 * internal addresses; nothing opens the metadata endpoints, in any of these forms.
 * @internal
 */
export function checkAddress(
  address: string,
  { allowPrivateNetwork, allowedRanges }: AddressPolicy,
): string | undefined {
  const ipaddr = loadIpaddr();
  let parsed: IpAddress;
  try {
    parsed = ipaddr.parse(address.replace(/^\[|\]$/g, ''));
  } catch {
    return `"${address}" is not an IP address`;
  }
  if (parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress()) {
    // Kept apart from the other embeddings: the mapped form is the IPv4 address itself on a
    // dual-stack socket, so it is named as such.
    parsed = parsed.toIPv4Address();
  }
  const shown = parsed.toString();
  const candidates =
    parsed instanceof ipaddr.IPv6
      ? embeddedIPv4(parsed.toByteArray()).map((bytes) => new ipaddr.IPv4(bytes))
      : [];
  const judged: { address: IpAddress; label: string }[] =
    candidates.length === 0
      ? [{ address: parsed, label: shown }]
      : candidates.map((ipv4) => ({ address: ipv4, label: `${shown} (${ipv4.toString()})` }));
  for (const { address: candidate, label } of judged) {
    if (METADATA_ADDRESSES.has(candidate.toString()))
      return `${label} is a cloud metadata endpoint`;
  }
  if (allowPrivateNetwork) return undefined;
  for (const { address: candidate, label } of judged) {
    const problem = checkRange(candidate, label, allowedRanges);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function checkRange(
  address: IpAddress,
  label: string,
  allowedRanges: readonly AddressRange[],
): string | undefined {
  for (const [network, bits] of allowedRanges) {
    if (network.kind() === address.kind() && address.match(network as never, bits))
      return undefined;
  }
  const range = address.range();
  return range === 'unicast' ? undefined : `${label} is a ${describeRange(range)} address`;
}

function describeRange(range: string): string {
  switch (range) {
    case 'loopback':
      return 'loopback';
    case 'private':
    case 'uniqueLocal':
      return 'private-network';
    case 'linkLocal':
      return 'link-local';
    case 'carrierGradeNat':
      return 'carrier-grade NAT';
    case 'unspecified':
      return 'unspecified';
    case 'multicast':
    case 'broadcast':
      return range;
    default:
      return `reserved (${range})`;
  }
}
