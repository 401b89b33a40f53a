import { describe, expect, it } from 'vitest';
import type { AddressPolicy } from './check-address.ts';
import { parseAddressRanges } from './check-address.ts';
import type { LookupFunction, ResolvedAddress } from './resolve-host.ts';
import { resolveHost } from './resolve-host.ts';
import { WebFetchError } from './web-fetch-error.ts';

const publicOnly: AddressPolicy = { allowPrivateNetwork: false, allowedRanges: [] };
const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:2800:21f:cb07:6820:80da:af6b:8b2c';

/** A resolver that answers from a table and records the names it was asked. */
function tableLookup(table: Record<string, readonly ResolvedAddress[]>): LookupFunction & {
  asked: string[];
} {
  const asked: string[] = [];
  const lookup = async (hostname: string): Promise<readonly ResolvedAddress[]> => {
    asked.push(hostname);
    const found = table[hostname];
    if (found === undefined) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return found;
  };
  return Object.assign(lookup, { asked });
}

function resolve(
  hostname: string,
  lookup: LookupFunction,
  options: { addressPolicy?: AddressPolicy; signal?: AbortSignal } = {},
): Promise<ResolvedAddress[]> {
  return resolveHost({
    hostname,
    url: `https://${hostname}/page`,
    lookup,
    addressPolicy: options.addressPolicy ?? publicOnly,
    signal: options.signal ?? new AbortController().signal,
  });
}

async function failure(promise: Promise<unknown>): Promise<WebFetchError> {
  try {
    await promise;
  } catch (error) {
    if (WebFetchError.isInstance(error)) return error;
    throw new Error(`expected a WebFetchError, got ${String(error)}`);
  }
  throw new Error('expected the promise to reject');
}

const never: LookupFunction = () => new Promise(() => {});

describe('resolveHost', () => {
  it('returns every address a public host resolves to, in the resolver order', async () => {
    const lookup = tableLookup({
      'example.com': [
        { address: PUBLIC_V6, family: 6 },
        { address: PUBLIC_V4, family: 4 },
      ],
    });
    expect(await resolve('example.com', lookup)).toEqual([
      { address: PUBLIC_V6, family: 6 },
      { address: PUBLIC_V4, family: 4 },
    ]);
    expect(lookup.asked).toEqual(['example.com']);
  });

  it('takes an IP literal as it is, without asking the resolver', async () => {
    const lookup = tableLookup({});
    expect(await resolve(PUBLIC_V4, lookup)).toEqual([{ address: PUBLIC_V4, family: 4 }]);
    expect(await resolve(`[${PUBLIC_V6}]`, lookup)).toEqual([{ address: PUBLIC_V6, family: 6 }]);
    expect(lookup.asked).toEqual([]);
  });

  it.each([
    ['127.0.0.1'],
    ['[::1]'],
    ['10.0.0.8'],
    ['169.254.169.254'],
    ['[::ffff:169.254.169.254]'],
    ['[fd00::1]'],
    ['0.0.0.0'],
  ])('refuses the internal IP literal %s before any lookup', async (hostname) => {
    const lookup = tableLookup({});
    const error = await failure(resolve(hostname, lookup));
    expect(error.reason).toBe('address-not-allowed');
    expect(error.url).toBe(`https://${hostname}/page`);
    expect(error.message).toMatch(/Only public internet addresses can be fetched\.$/);
    expect(lookup.asked).toEqual([]);
  });

  it('refuses the metadata host names, with or without trailing dots, without resolving them', async () => {
    const lookup = tableLookup({});
    for (const hostname of ['metadata.google.internal', 'metadata.google.internal..', 'metadata']) {
      const error = await failure(resolve(hostname, lookup));
      expect(error.reason).toBe('address-not-allowed');
      expect(error.message).toContain('is a cloud metadata endpoint');
    }
    expect(lookup.asked).toEqual([]);
  });

  it('refuses a name that resolves to any internal address, even next to public ones (DNS rebinding)', async () => {
    const lookup = tableLookup({
      'rebind.example': [
        { address: PUBLIC_V4, family: 4 },
        { address: '192.168.1.1', family: 4 },
      ],
    });
    const error = await failure(resolve('rebind.example', lookup));
    expect(error.reason).toBe('address-not-allowed');
    expect(error.message).toContain('rebind.example resolves to');
    expect(error.message).toContain('192.168.1.1');
  });

  it('lets an allowed range or allowPrivateNetwork through, but never the metadata address', async () => {
    const lookup = tableLookup({
      'intranet.example': [{ address: '10.1.2.3', family: 4 }],
      'meta.example': [{ address: '169.254.169.254', family: 4 }],
    });
    const ranged = {
      allowPrivateNetwork: false,
      allowedRanges: parseAddressRanges(['10.1.0.0/16']),
    };
    expect(await resolve('intranet.example', lookup, { addressPolicy: ranged })).toEqual([
      { address: '10.1.2.3', family: 4 },
    ]);
    const open = { allowPrivateNetwork: true, allowedRanges: [] };
    expect(await resolve('intranet.example', lookup, { addressPolicy: open })).toHaveLength(1);
    const error = await failure(resolve('meta.example', lookup, { addressPolicy: open }));
    expect(error.reason).toBe('address-not-allowed');
  });

  it('refuses a resolver answer that is a host name instead of an address', async () => {
    // Connecting to a name would resolve it again, after the check: the rebinding window.
    const lookup = tableLookup({ 'alias.example': [{ address: 'localhost', family: 4 }] });
    const error = await failure(resolve('alias.example', lookup));
    expect(error.reason).toBe('address-not-allowed');
    expect(error.message).toContain(
      'alias.example resolves to "localhost", which is not an IP address',
    );
  });

  it('reports the family of each address from the address itself, not from what a custom resolver claims', async () => {
    const lookup = tableLookup({
      'mislabelled.example': [
        { address: PUBLIC_V4, family: 6 },
        { address: PUBLIC_V6, family: 4 },
        { address: PUBLIC_V4 } as ResolvedAddress,
      ],
    });
    expect(await resolve('mislabelled.example', lookup)).toEqual([
      { address: PUBLIC_V4, family: 4 },
      { address: PUBLIC_V6, family: 6 },
      { address: PUBLIC_V4, family: 4 },
    ]);
  });

  it('names the resolver error code, and any rejection value, as a dns error', async () => {
    const missing = await failure(resolve('nowhere.example', tableLookup({})));
    expect(missing.reason).toBe('dns');
    expect(missing.message).toBe(
      'The host nowhere.example could not be resolved (ENOTFOUND). Check the spelling of the URL.',
    );
    for (const rejection of [null, undefined, 'boom', 42, { code: 7 }]) {
      const error = await failure(resolve('odd.example', () => Promise.reject(rejection)));
      expect(error.reason).toBe('dns');
      expect(error.message).toBe(
        'The host odd.example could not be resolved. Check the spelling of the URL.',
      );
      expect(error.cause).toBe(rejection);
    }
  });

  it('turns a resolver that throws synchronously into a dns error', async () => {
    const throwing: LookupFunction = () => {
      throw new Error('resolver crashed');
    };
    const error = await failure(resolve('sync.example', throwing));
    expect(error.reason).toBe('dns');
  });

  it('reports an empty or malformed answer as a host without addresses, not a TypeError', async () => {
    for (const answer of [[], null, undefined, {}, 'not a list']) {
      const lookup = (() => Promise.resolve(answer)) as unknown as LookupFunction;
      const error = await failure(resolve('empty.example', lookup));
      expect(error.reason).toBe('dns');
      expect(error.message).toBe(
        'The host empty.example has no addresses. Check the spelling of the URL.',
      );
    }
  });

  it('refuses null or non-string entries in an answer as not being addresses', async () => {
    for (const entry of [
      null,
      {},
      { address: 42 },
      { address: '42' },
      { address: '0x7f.1' },
      { address: { toString: () => PUBLIC_V4 } },
    ]) {
      const lookup = (() => Promise.resolve([entry])) as unknown as LookupFunction;
      const error = await failure(resolve('junk.example', lookup));
      expect(error.reason).toBe('address-not-allowed');
      expect(error.message).toContain(', which is not an IP address.');
    }
  });

  it('does not call the resolver once the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    const lookup = tableLookup({});
    await expect(resolve('example.com', lookup, { signal: controller.signal })).rejects.toThrow(
      'gone',
    );
    expect(lookup.asked).toEqual([]);
  });

  it('rejects with the signal reason, before or while the resolver runs', async () => {
    const before = new AbortController();
    const reason = new Error('stopped before');
    before.abort(reason);
    await expect(resolve('slow.example', never, { signal: before.signal })).rejects.toBe(reason);

    const during = new AbortController();
    const pending = resolve('slow.example', never, { signal: during.signal });
    const later = new Error('stopped during');
    during.abort(later);
    await expect(pending).rejects.toBe(later);
  });

  it('rejects with the signal reason when the resolver fails after the abort', async () => {
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const lookup: LookupFunction = async () => {
      controller.abort(reason);
      throw Object.assign(new Error('lookup cancelled'), { code: 'ECANCELLED' });
    };
    await expect(resolve('race.example', lookup, { signal: controller.signal })).rejects.toBe(
      reason,
    );
  });

  it('stops listening to the signal once the lookup settles', async () => {
    const controller = new AbortController();
    const lookup = tableLookup({ 'example.com': [{ address: PUBLIC_V4, family: 4 }] });
    const added: unknown[] = [];
    const removed: unknown[] = [];
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((type: string, listener: EventListener, options?: unknown) => {
      added.push(listener);
      add(type, listener, options as AddEventListenerOptions);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((type: string, listener: EventListener) => {
      removed.push(listener);
      remove(type, listener);
    }) as typeof signal.removeEventListener;
    for (let round = 0; round < 50; round++) await resolve('example.com', lookup, { signal });
    expect(added).toHaveLength(50);
    expect(removed).toEqual(added);
  });

  it('resolves many hosts concurrently, each with its own answer', async () => {
    const table: Record<string, ResolvedAddress[]> = {};
    for (let index = 1; index <= 200; index++) {
      table[`host${index}.example`] = [{ address: `93.184.${index}.1`, family: 4 }];
    }
    const results = await Promise.all(
      Object.keys(table).map((hostname) => resolve(hostname, tableLookup(table))),
    );
    expect(results.map(([first]) => first?.address)).toEqual(
      Object.values(table).map(([first]) => first?.address),
    );
  });

  it('asks the resolver for an internationalised name in the punycode form URL gives', async () => {
    const hostname = new URL('https://b\u00fccher.example/').hostname;
    const lookup = tableLookup({ [hostname]: [{ address: PUBLIC_V4, family: 4 }] });
    expect(await resolve(hostname, lookup)).toHaveLength(1);
    expect(lookup.asked).toEqual(['xn--bcher-kva.example']);
  });
});
