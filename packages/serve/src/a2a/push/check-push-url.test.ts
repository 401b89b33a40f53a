import { describe, expect, it } from 'vitest';
import { checkPushUrl, type PushUrlPolicy } from './check-push-url.ts';
import type { ResolvedAddress } from './push-notification-options.ts';

// The webhook URLs a caller may register for push notifications, judged before they are saved
// and again before each POST: what is refused and why, with and without allowPrivateNetwork, with
// a resolver that answers, fails or is absent (Workers). (create-a2a-handler.test.ts registers
// URLs through the door.)

const resolving =
  (...addresses: string[]) =>
  async (): Promise<ResolvedAddress[]> =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const strict: PushUrlPolicy = { allowPrivateNetwork: false, lookup: resolving('93.184.215.14') };
const open: PushUrlPolicy = { allowPrivateNetwork: true, lookup: resolving('10.0.0.5') };

describe('checkPushUrl', () => {
  it('passes a public http(s) URL, by address or by a name that resolves only to public addresses', async () => {
    expect(await checkPushUrl('https://hooks.example/a2a?token=x', strict)).toBeUndefined();
    expect(await checkPushUrl('http://93.184.215.14:8080/hook', strict)).toBeUndefined();
    expect(await checkPushUrl('https://[2606:4700::1111]/hook', strict)).toBeUndefined();
  });

  const refused: [string, string, PushUrlPolicy, string][] = [
    ['not a URL', 'hooks.example/a2a', strict, 'it is not an absolute URL'],
    ['another scheme', 'ftp://hooks.example/a2a', strict, 'it is not http(s)'],
    [
      'credentials in the URL',
      'https://user:pw@hooks.example/',
      strict,
      'it has credentials in it (send them as the config’s authentication)',
    ],
    [
      'a metadata host',
      'http://metadata.google.internal/computeMetadata/v1/',
      open,
      'metadata.google.internal is a cloud metadata endpoint',
    ],
    [
      'a metadata host with a trailing dot',
      'http://metadata.google.internal./',
      open,
      'metadata.google.internal is a cloud metadata endpoint',
    ],
    [
      'a metadata address',
      'http://169.254.169.254/latest/meta-data/',
      open,
      '169.254.169.254 is a cloud metadata endpoint',
    ],
    [
      'a metadata address written as one number',
      'http://2852039166/latest',
      open,
      '169.254.169.254 is a cloud metadata endpoint',
    ],
    [
      'a metadata address mapped into IPv6',
      'http://[::ffff:169.254.169.254]/',
      open,
      '169.254.169.254 is a cloud metadata endpoint',
    ],
    [
      'the AWS IPv6 metadata address',
      'http://[fd00:ec2::254]/',
      open,
      'fd00:ec2::254 is a cloud metadata endpoint',
    ],
    [
      'loopback',
      'http://127.0.0.1:9/hook',
      strict,
      '127.0.0.1 is a loopback address, not a public one',
    ],
    [
      'loopback in hex',
      'http://0x7f.1/hook',
      strict,
      '127.0.0.1 is a loopback address, not a public one',
    ],
    [
      'a private network',
      'http://192.168.1.10/hook',
      strict,
      '192.168.1.10 is a private address, not a public one',
    ],
    ['IPv6 loopback', 'http://[::1]/hook', strict, '::1 is a loopback address, not a public one'],
    [
      'an IPv6 address that embeds an IPv4 one',
      'http://[64:ff9b::a9fe:a9fe]/hook',
      strict,
      '64:ff9b::a9fe:a9fe (169.254.169.254) is a cloud metadata endpoint',
    ],
    [
      'a name that resolves to a private address',
      'http://intranet.example/hook',
      { ...strict, lookup: resolving('93.184.215.14', '10.1.2.3') },
      'intranet.example resolves to 10.1.2.3 is a private address, not a public one',
    ],
    [
      'a name that resolves to nothing',
      'http://gone.example/hook',
      { ...strict, lookup: resolving() },
      'gone.example has no addresses',
    ],
    [
      'a name the resolver fails on',
      'http://flaky.example/hook',
      {
        ...strict,
        lookup: async () => {
          throw new Error('ENOTFOUND');
        },
      },
      'flaky.example could not be resolved',
    ],
    [
      'a name where nothing resolves names',
      'http://hooks.example/',
      { allowPrivateNetwork: false, lookup: undefined },
      'hooks.example cannot be resolved here to be checked',
    ],
    [
      'a resolver that answers garbage',
      'http://odd.example/',
      { ...strict, lookup: resolving('not-an-ip') },
      'odd.example resolves to not-an-ip is not an IP address',
    ],
  ];
  it.each(refused)('refuses %s', async (_, url, policy, problem) => {
    expect(await checkPushUrl(url, policy)).toContain(problem);
  });

  it('allowPrivateNetwork lets internal addresses and names through', async () => {
    expect(await checkPushUrl('http://127.0.0.1:9/hook', open)).toBeUndefined();
    expect(await checkPushUrl('http://intranet.example/hook', open)).toBeUndefined();
    // Where nothing resolves names (Workers), a name goes through unchecked.
    expect(
      await checkPushUrl('http://intranet.example/hook', {
        allowPrivateNetwork: true,
        lookup: undefined,
      }),
    ).toBeUndefined();
  });

  it('allowPrivateNetwork still resolves a name, and refuses one that points at a metadata address', async () => {
    const rebound: PushUrlPolicy = {
      allowPrivateNetwork: true,
      lookup: resolving('10.0.0.5', '169.254.169.254'),
    };
    expect(await checkPushUrl('http://169.254.169.254.nip.io/latest', rebound)).toBe(
      '169.254.169.254.nip.io resolves to 169.254.169.254 is a cloud metadata endpoint',
    );
  });
});

describe('checkPushUrl and IPv6 forms that carry an IPv4 address', () => {
  const open: PushUrlPolicy = { allowPrivateNetwork: true, lookup: undefined };
  const strict: PushUrlPolicy = { allowPrivateNetwork: false, lookup: undefined };
  it.each([
    ['NAT64', '64:ff9b::a9fe:a9fe'],
    ['NAT64 local-use /96', '64:ff9b:1::a9fe:a9fe'],
    ['6to4', '2002:a9fe:a9fe::1'],
    ['IPv4-compatible', '::a9fe:a9fe'],
    ['IPv4-translated', '::ffff:0:a9fe:a9fe'],
  ])('refuses the metadata address written as %s even with allowPrivateNetwork', async (_, ip) => {
    expect(await checkPushUrl(`http://[${ip}]/latest`, open)).toMatch(
      /\(169\.254\.169\.254\) is a cloud metadata endpoint$/,
    );
  });

  it('refuses a name that resolves to such a form of a metadata address', async () => {
    const policy: PushUrlPolicy = {
      allowPrivateNetwork: true,
      lookup: async () => [{ address: '2002:a9fe:a9fe::1', family: 6 }],
    };
    expect(await checkPushUrl('http://hook.example/', policy)).toBe(
      'hook.example resolves to 2002:a9fe:a9fe::1 (169.254.169.254) is a cloud metadata endpoint',
    );
  });

  it('judges the embedded address by its range without allowPrivateNetwork', async () => {
    expect(await checkPushUrl('http://[64:ff9b::a00:5]/', strict)).toBe(
      '64:ff9b::a00:5 (10.0.0.5) is a private address, not a public one',
    );
    // A public IPv4 behind NAT64 is as public as the address itself.
    expect(await checkPushUrl('http://[64:ff9b::5db8:d70e]/', strict)).toBeUndefined();
  });
});
