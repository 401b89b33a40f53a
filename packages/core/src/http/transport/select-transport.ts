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
  fetchTransport: Transport | undefined;
  /** The client's headers: asking for compression needs fetch (it decodes; undici does not). */
  headers: Record<string, string>;
}): Transport | Promise<Transport> {
  if (client.fetchTransport !== undefined) return client.fetchTransport;
  return selectNodeTransport(client, globalFetchTransport) ?? globalFetchTransport;
}
