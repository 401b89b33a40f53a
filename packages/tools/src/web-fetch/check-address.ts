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
 * AWS IPv6 fd00:ec2::254; AWS ECS task metadata 169.254.170.2; Alibaba 100.100.100.200; Azure
 * WireServer 168.63.129.16). IPv6 forms that embed one of the IPv4 addresses are refused too.
 * @internal
 */
export const METADATA_ADDRESSES: ReadonlySet<string> = new Set([
  '169.254.169.254',
  '169.254.170.2',
  '100.100.100.200',
  '168.63.129.16',
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
  const candidates = parsed instanceof ipaddr.IPv6 ? embeddedIPv4(ipaddr, parsed) : [];
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

/**
 * The IPv4 addresses an IPv6 address may stand for, or none when it embeds none. A local-use
 * NAT64 prefix (`64:ff9b:1::/48`, RFC 8215) may be any of RFC 6052's lengths from /48 to /96, each
 * putting the IPv4 address elsewhere (skipping the reserved byte 8), so every place is returned and
 * the address must pass as each of them.
 */
function embeddedIPv4(ipaddr: Ipaddr, address: InstanceType<Ipaddr['IPv6']>): IpAddress[] {
  const bytes = address.toByteArray();
  const at = (...indexes: number[]): IpAddress =>
    new ipaddr.IPv4(indexes.map((index) => bytes[index] as number));
  const zero = (from: number, to: number): boolean =>
    bytes.slice(from, to).every((byte) => byte === 0);
  const lastFour = [12, 13, 14, 15];
  // IPv4-compatible ::/96 (deprecated, RFC 4291), except :: and ::1, which are IPv6's own.
  if (zero(0, 12)) return zero(12, 15) && (bytes[15] as number) <= 1 ? [] : [at(...lastFour)];
  // IPv4-translated ::ffff:0:0:0/96 (RFC 2765).
  if (zero(0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && zero(10, 12))
    return [at(...lastFour)];
  const prefix = (bytes[0] as number) * 256 + (bytes[1] as number);
  const next = (bytes[2] as number) * 256 + (bytes[3] as number);
  // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052).
  if (prefix === 0x64 && next === 0xff9b && zero(4, 12)) return [at(...lastFour)];
  // NAT64 local-use prefix 64:ff9b:1::/48 (RFC 8215): /48, /56, /64 and /96 placements.
  if (prefix === 0x64 && next === 0xff9b && bytes[4] === 0 && bytes[5] === 1) {
    return [at(6, 7, 9, 10), at(7, 9, 10, 11), at(9, 10, 11, 12), at(...lastFour)];
  }
  // 6to4 2002:V4ADDR::/48 (RFC 3056).
  if (prefix === 0x2002) return [at(2, 3, 4, 5)];
  return [];
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
