import { lookup } from 'node:dns/promises';
import type { ResolvedAddress } from './resolve-host.ts';

/**
 * Resolves through the operating system, like a browser or `fetch` would (`/etc/hosts`
 * included), returning every address in the resolver's order.
 * @internal
 */
export async function defaultLookup(hostname: string): Promise<ResolvedAddress[]> {
  const addresses = await lookup(hostname, { all: true, verbatim: true });
  return addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
}
