/**
 * Cloud metadata endpoints: refused by every outbound request a caller or a model can aim
 * (`@gemloop/tools`' web fetch, `@gemloop/serve`'s A2A push webhooks), even where private
 * networks are allowed, since nothing an agent needs lives there and they hand out credentials
 * (AWS, GCP, Azure, Oracle, DigitalOcean 169.254.169.254; AWS IPv6 fd00:ec2::254; AWS ECS task
 * metadata 169.254.170.2; Alibaba 100.100.100.200; Azure WireServer 168.63.129.16). One list, so
 * the two checks cannot drift apart. @internal
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

/**
 * The IPv4 addresses (as four bytes each) an IPv6 address, given as its 16 bytes, may stand for,
 * or none when it embeds none: IPv4-compatible `::/96` (not `::` and `::1`), IPv4-translated
 * `::ffff:0:0:0/96` (RFC 2765), NAT64 `64:ff9b::/96` (RFC 6052) and `64:ff9b:1::/48` (RFC 8215),
 * 6to4 `2002::/16` (RFC 3056). A gateway or the kernel may deliver such an address to the IPv4
 * one, so a check judges it as that. A local-use NAT64 prefix may be any of RFC 6052's lengths
 * from /48 to /96, each putting the IPv4 address elsewhere (skipping the reserved byte 8), so
 * every placement is returned and the address must pass as each. The IPv4-mapped form
 * (`::ffff:0:0/96`) is left to the caller, which names it as the IPv4 address itself. @internal
 */
export function embeddedIPv4(bytes: readonly number[]): number[][] {
  const at = (...indexes: number[]): number[] => indexes.map((index) => bytes[index] ?? 0);
  const zero = (from: number, to: number): boolean =>
    bytes.slice(from, to).every((byte) => byte === 0);
  const lastFour = [12, 13, 14, 15];
  if (zero(0, 12)) return zero(12, 15) && (bytes[15] ?? 0) <= 1 ? [] : [at(...lastFour)];
  if (zero(0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && zero(10, 12))
    return [at(...lastFour)];
  const prefix = (bytes[0] ?? 0) * 256 + (bytes[1] ?? 0);
  const next = (bytes[2] ?? 0) * 256 + (bytes[3] ?? 0);
  if (prefix === 0x64 && next === 0xff9b && zero(4, 12)) return [at(...lastFour)];
  if (prefix === 0x64 && next === 0xff9b && bytes[4] === 0 && bytes[5] === 1) {
    return [at(6, 7, 9, 10), at(7, 9, 10, 11), at(9, 10, 11, 12), at(...lastFour)];
  }
  if (prefix === 0x2002) return [at(2, 3, 4, 5)];
  return [];
}
