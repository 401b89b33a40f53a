import { createRequire } from 'node:module';
import type ipaddrModule from 'ipaddr.js';

type Ipaddr = typeof ipaddrModule;
type IpAddress = ReturnType<Ipaddr['parse']>;

const requireFromHere = createRequire(import.meta.url);

/** ipaddr.js on first use (a synchronous CommonJS load), so importing the package stays cheap. */
function loadIpaddr(): Ipaddr {
  return requireFromHere('ipaddr.js') as Ipaddr;
}

/**
 * Cloud metadata endpoints: refused even with `allowPrivateNetwork`, since no page an agent needs
 * lives there and they hand out credentials (AWS, GCP, Azure, Oracle, DigitalOcean 169.254.169.254;
 * AWS IPv6 fd00:ec2::254; AWS ECS task metadata 169.254.170.2; Alibaba 100.100.100.200).
 * @internal
 */
export const METADATA_ADDRESSES: ReadonlySet<string> = new Set([
  '169.254.169.254',
  '169.254.170.2',
  '100.100.100.200',
  'fd00:ec2::254',
]);

/** Metadata host names, refused before any DNS lookup. @internal */
export const METADATA_HOSTS: ReadonlySet<string> = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);

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
      throw new Error(`entries must be strings, got ${JSON.stringify(entry)}`);
    const text = entry.trim();
    try {
      if (text.includes('/')) return ipaddr.parseCIDR(text);
      const address = ipaddr.parse(text);
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    } catch {
      throw new Error(
        `${JSON.stringify(entry)} is not an IP address or CIDR range such as "10.1.0.0/16"`,
      );
    }
  });
}

/**
 * Why an address must not be fetched, or `undefined` when it may be. Only ipaddr.js's `unicast`
 * range (public addresses) passes by default: loopback, private, link-local, carrier-grade NAT,
 * multicast, broadcast, unspecified, documentation, benchmarking, unique-local and the IPv6
 * transition ranges (6to4, Teredo, NAT64) that can embed an internal IPv4 address are refused.
 * IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is judged by its IPv4 address. `allowedAddressRanges`
 * and `allowPrivateNetwork` open internal addresses; nothing opens the metadata endpoints.
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
    parsed = parsed.toIPv4Address();
  }
  const normalized = parsed.toString();
  if (METADATA_ADDRESSES.has(normalized)) {
    return `${normalized} is a cloud metadata endpoint`;
  }
  if (allowPrivateNetwork) return undefined;
  for (const [network, bits] of allowedRanges) {
    if (network.kind() === parsed.kind() && parsed.match(network as never, bits)) return undefined;
  }
  const range = parsed.range();
  return range === 'unicast' ? undefined : `${normalized} is a ${describeRange(range)} address`;
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
