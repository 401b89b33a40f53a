import { describe, expect, it } from 'vitest';
import type { AddressPolicy } from './check-address.ts';
import { checkAddress, parseAddressRanges } from './check-address.ts';

const strict: AddressPolicy = { allowPrivateNetwork: false, allowedRanges: [] };
const open: AddressPolicy = { allowPrivateNetwork: true, allowedRanges: [] };

describe('checkAddress', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1 is a loopback address'],
    ['127.255.255.254', '127.255.255.254 is a loopback address'],
    ['10.0.0.1', '10.0.0.1 is a private-network address'],
    ['172.16.5.4', '172.16.5.4 is a private-network address'],
    ['192.168.1.1', '192.168.1.1 is a private-network address'],
    ['169.254.1.1', '169.254.1.1 is a link-local address'],
    ['100.64.0.1', '100.64.0.1 is a carrier-grade NAT address'],
    ['0.0.0.0', '0.0.0.0 is a unspecified address'],
    ['224.0.0.1', '224.0.0.1 is a multicast address'],
    ['255.255.255.255', '255.255.255.255 is a broadcast address'],
    ['192.0.2.10', '192.0.2.10 is a reserved (reserved) address'],
    ['198.18.0.1', '198.18.0.1 is a reserved (reserved) address'],
    ['::1', '::1 is a loopback address'],
    ['::', ':: is a unspecified address'],
    ['fe80::1', 'fe80::1 is a link-local address'],
    ['fe80::1%eth0', 'fe80::1%eth0 is a link-local address'],
    ['fc00::1', 'fc00::1 is a private-network address'],
    ['fd12:3456::1', 'fd12:3456::1 is a private-network address'],
    ['ff02::1', 'ff02::1 is a multicast address'],
    ['::ffff:127.0.0.1', '127.0.0.1 is a loopback address'],
    ['::ffff:7f00:1', '127.0.0.1 is a loopback address'],
    ['::ffff:10.0.0.1', '10.0.0.1 is a private-network address'],
    ['[::ffff:192.168.0.1]', '192.168.0.1 is a private-network address'],
    ['2001::1', '2001::1 is a reserved (teredo) address'],
    ['169.254.169.254', '169.254.169.254 is a cloud metadata endpoint'],
    ['::ffff:169.254.169.254', '169.254.169.254 is a cloud metadata endpoint'],
    ['fd00:ec2::254', 'fd00:ec2::254 is a cloud metadata endpoint'],
    ['100.100.100.200', '100.100.100.200 is a cloud metadata endpoint'],
    ['not-an-ip', '"not-an-ip" is not an IP address'],
  ])('refuses %s', (address, problem) => {
    expect(checkAddress(address, strict)).toBe(problem);
  });

  it.each(['8.8.8.8', '93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows the public address %s',
    (address) => {
      expect(checkAddress(address, strict)).toBeUndefined();
    },
  );

  it('opens internal addresses with allowPrivateNetwork, but never the metadata endpoints', () => {
    expect(checkAddress('127.0.0.1', open)).toBeUndefined();
    expect(checkAddress('10.0.0.1', open)).toBeUndefined();
    expect(checkAddress('::1', open)).toBeUndefined();
    expect(checkAddress('169.254.169.254', open)).toBe(
      '169.254.169.254 is a cloud metadata endpoint',
    );
    expect(checkAddress('fd00:ec2::254', open)).toBe('fd00:ec2::254 is a cloud metadata endpoint');
  });

  it('opens only the listed ranges with allowedAddressRanges', () => {
    const policy: AddressPolicy = {
      allowPrivateNetwork: false,
      allowedRanges: parseAddressRanges(['10.20.0.0/16', '127.0.0.1', 'fd12::/16']),
    };
    expect(checkAddress('10.20.3.4', policy)).toBeUndefined();
    expect(checkAddress('::ffff:10.20.3.4', policy)).toBeUndefined();
    expect(checkAddress('127.0.0.1', policy)).toBeUndefined();
    expect(checkAddress('fd12::9', policy)).toBeUndefined();
    expect(checkAddress('10.21.0.1', policy)).toBe('10.21.0.1 is a private-network address');
    expect(checkAddress('127.0.0.2', policy)).toBe('127.0.0.2 is a loopback address');
    expect(checkAddress('::1', policy)).toBe('::1 is a loopback address');
    const metadata = parseAddressRanges(['169.254.0.0/16']);
    expect(
      checkAddress('169.254.169.254', { allowPrivateNetwork: false, allowedRanges: metadata }),
    ).toBe('169.254.169.254 is a cloud metadata endpoint');
  });

  // Issue 10: IPv6 forms that carry an IPv4 address are judged by that address. The URL parser
  // writes [::127.0.0.1] as [::7f00:1], which ipaddr.js calls unicast.
  it.each([
    ['::7f00:1', '::7f00:1 (127.0.0.1) is a loopback address'],
    ['[::7f00:1]', '::7f00:1 (127.0.0.1) is a loopback address'],
    ['::a00:1', '::a00:1 (10.0.0.1) is a private-network address'],
    ['::a9fe:a9fe', '::a9fe:a9fe (169.254.169.254) is a cloud metadata endpoint'],
    ['::ffff:0:7f00:1', '::ffff:0:7f00:1 (127.0.0.1) is a loopback address'],
    ['64:ff9b::7f00:1', '64:ff9b::7f00:1 (127.0.0.1) is a loopback address'],
    ['64:ff9b::a9fe:a9fe', '64:ff9b::a9fe:a9fe (169.254.169.254) is a cloud metadata endpoint'],
    ['64:ff9b:1::a9fe:a9fe', '64:ff9b:1::a9fe:a9fe (169.254.169.254) is a cloud metadata endpoint'],
    // 64:ff9b:1::/48 is a local-use NAT64 prefix of any length from /48 to /96 (RFC 8215,
    // RFC 6052 section 2.2): every place an address can sit in is checked.
    [
      '64:ff9b:1:a9fe:a9:fea9:fe00:0',
      '64:ff9b:1:a9fe:a9:fea9:fe00:0 (169.254.169.254) is a cloud metadata endpoint',
    ],
    ['2002:7f00:1::', '2002:7f00:1:: (127.0.0.1) is a loopback address'],
    ['2002:a9fe:a9fe::', '2002:a9fe:a9fe:: (169.254.169.254) is a cloud metadata endpoint'],
    ['168.63.129.16', '168.63.129.16 is a cloud metadata endpoint'],
    ['::ffff:168.63.129.16', '168.63.129.16 is a cloud metadata endpoint'],
  ])('refuses %s by the IPv4 address it embeds', (address, problem) => {
    expect(checkAddress(address, strict)).toBe(problem);
  });

  it.each([
    '::a9fe:a9fe',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b:1::a9fe:a9fe',
    '2002:a9fe:a9fe::',
    '::ffff:0:a9fe:a9fe',
    '168.63.129.16',
    '::ffff:a83f:8110',
    '2002:a83f:8110::1',
  ])('refuses the metadata endpoint %s even with allowPrivateNetwork', (address) => {
    expect(checkAddress(address, open)).toMatch(/is a cloud metadata endpoint$/);
  });

  it('allows IPv6 forms of a public IPv4 address, as NAT64 and 6to4 networks use them', () => {
    expect(checkAddress('64:ff9b::808:808', strict)).toBeUndefined();
    expect(checkAddress('2002:808:808::1', strict)).toBeUndefined();
    expect(checkAddress('::808:808', strict)).toBeUndefined();
  });

  it('opens an embedded address with allowedAddressRanges like the IPv4 address itself', () => {
    const policy: AddressPolicy = {
      allowPrivateNetwork: false,
      allowedRanges: parseAddressRanges(['10.20.0.0/16']),
    };
    expect(checkAddress('64:ff9b::a14:304', policy)).toBeUndefined();
    expect(checkAddress('2002:a14:304::', policy)).toBeUndefined();
    expect(checkAddress('64:ff9b::a15:1', policy)).toBe(
      '64:ff9b::a15:1 (10.21.0.1) is a private-network address',
    );
  });

  it('rejects malformed ranges', () => {
    expect(() => parseAddressRanges(['10.0.0.0/99'])).toThrow(
      '"10.0.0.0/99" is not an IP address or CIDR range such as "10.1.0.0/16"',
    );
    expect(() => parseAddressRanges(['intranet'])).toThrow(/not an IP address/);
  });
});
