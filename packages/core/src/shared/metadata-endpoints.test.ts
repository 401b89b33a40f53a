import { isIPv6 } from 'node:net';
import { describe, expect, it } from 'vitest';
import { embeddedIPv4, METADATA_ADDRESSES, METADATA_HOSTS } from './metadata-endpoints.ts';

// The metadata endpoints every outbound check refuses, and the IPv4 address an IPv6 address may
// be delivered to: a request aimed at `64:ff9b::a9fe:a9fe` reaches 169.254.169.254 through NAT64,
// so the web-fetch tool and the A2A push check judge it as that address.

/** The 16 bytes of an IPv6 address in text form (a dotted IPv4 tail allowed). */
function bytesOf(address: string): number[] {
  expect(isIPv6(address), address).toBe(true);
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail = ''] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = text.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = text.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return groups.flatMap((group) => {
    const value = Number.parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

const METADATA = [169, 254, 169, 254];

describe('embeddedIPv4', () => {
  it('reads the IPv4 address in the last 32 bits of an IPv4-compatible address', () => {
    expect(embeddedIPv4(bytesOf('::169.254.169.254'))).toEqual([METADATA]);
    expect(embeddedIPv4(bytesOf('::a9fe:a9fe'))).toEqual([METADATA]);
    expect(embeddedIPv4(bytesOf('::0.0.0.2'))).toEqual([[0, 0, 0, 2]]);
  });

  it('finds none in :: and ::1, which are IPv6 addresses of their own', () => {
    expect(embeddedIPv4(bytesOf('::'))).toEqual([]);
    expect(embeddedIPv4(bytesOf('::1'))).toEqual([]);
  });

  it('reads the IPv4-translated form (RFC 2765) and the well-known NAT64 prefix (RFC 6052)', () => {
    expect(embeddedIPv4(bytesOf('::ffff:0:169.254.169.254'))).toEqual([METADATA]);
    expect(embeddedIPv4(bytesOf('64:ff9b::169.254.169.254'))).toEqual([METADATA]);
    expect(embeddedIPv4(bytesOf('64:ff9b::a9fe:a9fe'))).toEqual([METADATA]);
  });

  it('returns every placement a local-use NAT64 prefix (RFC 8215) may use, the metadata one among them', () => {
    // A /48 prefix puts the address in bytes 6, 7, 9, 10 (byte 8 is reserved).
    const slash48 = [0, 0x64, 0xff, 0x9b, 0, 1, 169, 254, 0, 169, 254, 0, 0, 0, 0, 0];
    const placements = embeddedIPv4(slash48);
    expect(placements).toHaveLength(4);
    expect(placements[0]).toEqual(METADATA);
    // A /96 prefix puts it last.
    const slash96 = embeddedIPv4(bytesOf('64:ff9b:1::a9fe:a9fe'));
    expect(slash96).toContainEqual(METADATA);
  });

  it('reads the 6to4 address (RFC 3056) from bytes 2 to 5', () => {
    expect(embeddedIPv4(bytesOf('2002:a9fe:a9fe::1'))).toEqual([METADATA]);
    expect(embeddedIPv4(bytesOf('2002:7f00:1::'))).toEqual([[127, 0, 0, 1]]);
  });

  it('leaves the IPv4-mapped form to the caller, and finds none in ordinary addresses', () => {
    expect(embeddedIPv4(bytesOf('::ffff:169.254.169.254'))).toEqual([]);
    for (const address of [
      '2001:db8::a9fe:a9fe',
      'fe80::1',
      'fd00:ec2::254',
      '64:ff9b:2::a9fe:a9fe',
      '2003::1',
    ]) {
      expect(embeddedIPv4(bytesOf(address)), address).toEqual([]);
    }
  });

  it('treats missing bytes as zero instead of throwing on a short array', () => {
    expect(embeddedIPv4([])).toEqual([]);
    expect(embeddedIPv4([0x20, 0x02, 169, 254])).toEqual([[169, 254, 0, 0]]);
  });
});

describe('the metadata lists', () => {
  it('hold the cloud metadata addresses, IPv6 included, in canonical text form', () => {
    expect(METADATA_ADDRESSES.has('169.254.169.254')).toBe(true);
    expect(METADATA_ADDRESSES.has('fd00:ec2::254')).toBe(true);
    for (const address of METADATA_ADDRESSES) {
      expect(address, address).toBe(address.toLowerCase());
    }
  });

  it('hold the metadata host names in lower case, without a trailing dot', () => {
    expect(METADATA_HOSTS.has('metadata.google.internal')).toBe(true);
    for (const host of METADATA_HOSTS) {
      expect(host).toBe(host.toLowerCase());
      expect(host.endsWith('.')).toBe(false);
    }
  });
});
