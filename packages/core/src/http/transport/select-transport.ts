import { importNodeTransport } from '#platform/import-node-transport';
import { createFetchTransport } from './create-fetch-transport.ts';
import type { Transport, TransportOption } from './transport.ts';

/** `globalThis.fetch`, looked up at every request. */
const globalFetchTransport: Transport = createFetchTransport(undefined);

/** `globalThis.fetch` as it was when gemloop loaded: a later msw or spy replaces it. */
const fetchAtLoad: unknown = globalThis.fetch;

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

type NodeProcess = { versions?: { node?: unknown }; env?: Record<string, string | undefined> };

/** Node itself (not Bun or Deno, which also set `process.versions.node`). */
export const isNode: boolean = (() => {
  const candidate = (globalThis as { process?: NodeProcess }).process;
  return (
    typeof candidate?.versions?.node === 'string' &&
    !('Bun' in globalThis) &&
    !('Deno' in globalThis)
  );
})();

/**
 * Node 24 can make fetch honour `HTTP(S)_PROXY` (`NODE_USE_ENV_PROXY=1`); the node transport
 * would go around the proxy, so `'auto'` keeps fetch then.
 */
const envProxy: boolean = (() => {
  if (!isNode) return false;
  const env = (globalThis as { process?: NodeProcess }).process?.env ?? {};
  return env['NODE_USE_ENV_PROXY'] === '1' || /--use-env-proxy/.test(env['NODE_OPTIONS'] ?? '');
})();

let nativeChecked: unknown;
let nativeLooks = false;

/**
 * Whether `globalThis.fetch` is Node's own and unpatched: the one seen at load time, with Node's
 * own source (msw's or a spy's is not), and no undici dispatcher installed for it other than
 * Node's default `Agent` (a `ProxyAgent`, `EnvHttpProxyAgent` or `MockAgent` must keep seeing
 * the traffic).
 */
function isPristineNodeFetch(): boolean {
  const fetch = globalThis.fetch;
  if (fetch !== fetchAtLoad) return false;
  if (nativeChecked !== fetch) {
    nativeChecked = fetch;
    const source = Function.prototype.toString.call(fetch);
    // Node 20-24 define fetch in JavaScript around a lazily loaded undici.
    nativeLooks = /undici|fetchImpl|\[native code\]/.test(source);
  }
  if (!nativeLooks) return false;
  const dispatcher = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER] as
    | { constructor?: { name?: unknown } }
    | undefined;
  return dispatcher === undefined || dispatcher.constructor?.name === 'Agent';
}

let node: Transport | undefined;
let loading: Promise<Transport | undefined> | undefined;
/** Why undici could not be loaded (a bundle that left it out): `'auto'` then stays on fetch. */
let loadFailure: unknown;

/**
 * The node transport, loaded on first use (undici is not imported until then). When it cannot be
 * loaded, `'auto'` falls back to fetch for good and `'node'` fails with an error saying why.
 */
function nodeTransport(option: TransportOption): Transport | Promise<Transport> {
  if (node !== undefined) return node;
  if (loadFailure !== undefined) return afterFailure(option);
  loading ??= importNodeTransport()
    .then(async ({ createNodeTransport, loadUndici }) => createNodeTransport(await loadUndici()))
    .then(
      (loaded) => {
        node = loaded;
        return node;
      },
      (error: unknown) => {
        loadFailure = error;
        return undefined;
      },
    );
  return loading.then((loaded) => loaded ?? afterFailure(option));
}

function afterFailure(option: TransportOption): Transport {
  if (option === 'auto') return globalFetchTransport;
  throw new Error(
    "transport 'node' could not load undici (is it bundled or installed?); use transport 'auto' or 'fetch'.",
    { cause: loadFailure },
  );
}

/**
 * The transport of one request. A client's injected `fetch` always wins; `'auto'` picks the node
 * transport on Node while `globalThis.fetch` is Node's own, unpatched (see
 * {@link isPristineNodeFetch}), and fetch anywhere else. Synchronous once the node transport has
 * loaded.
 * @internal
 */
export function selectTransport(client: {
  transport: TransportOption;
  fetchTransport: Transport | undefined;
  /** The client's headers: asking for compression needs fetch (it decodes; undici does not). */
  headers: Record<string, string>;
}): Transport | Promise<Transport> {
  if (client.fetchTransport !== undefined) return client.fetchTransport;
  if (client.transport === 'node') return nodeTransport('node');
  if (
    client.transport === 'auto' &&
    isNode &&
    !envProxy &&
    client.headers['accept-encoding'] === undefined &&
    isPristineNodeFetch()
  ) {
    return nodeTransport('auto');
  }
  return globalFetchTransport;
}
