import { selectNodeTransport } from '#platform/select-node-transport';
import { createFetchTransport } from './create-fetch-transport.ts';
import type { Transport, TransportOption } from './transport.ts';

export { isNode } from './is-node.ts';

/** `globalThis.fetch`, looked up at every request. */
const globalFetchTransport: Transport = createFetchTransport(undefined);

/**
 * The transport of one request. A client's injected `fetch` always wins; `'auto'` picks the node
 * transport on Node while `globalThis.fetch` is Node's own, unpatched (`#platform/select-node-transport`,
 * whose browser half holds none of that), and fetch anywhere else. Synchronous once the node
 * transport has loaded.
 * @internal
 */
export function selectTransport(client: {
  transport: TransportOption;
  /** The injected fetch, wrapped into `fetchTransport` by the first request. */
  fetch: typeof globalThis.fetch | undefined;
  fetchTransport?: Transport | undefined;
  /** The client's headers: asking for compression needs fetch (it decodes; undici does not). */
  headers: Record<string, string>;
}): Transport | Promise<Transport> {
  if (client.fetch !== undefined) {
    // Wrapped here, once a client: the fetch transport loads with the request path, not the root.
    client.fetchTransport ??= createFetchTransport(client.fetch);
    return client.fetchTransport;
  }
  return selectNodeTransport(client, globalFetchTransport) ?? globalFetchTransport;
}
