import { isNode } from '../../http/transport/is-node.ts';
import type { Transport, TransportOption } from '../../http/transport/transport.ts';

/** `globalThis.fetch` as it was when gemloop loaded: a later msw or spy replaces it. */
const fetchAtLoad: unknown = globalThis.fetch;

// why (brand): undici's own registered key of its global dispatcher.
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/** What {@link isEnvProxyOn} reads of a process. @internal */
export type EnvProxyProcess = {
  env?: Record<string, string | undefined> | undefined;
  execArgv?: readonly string[] | undefined;
};

/**
 * Whether Node's env proxy is on for a process: `NODE_USE_ENV_PROXY=1`, or `--use-env-proxy` in
 * `NODE_OPTIONS` or on the command line, the flag over the variable and the last flag winning
 * (nodejs/node#59151; Node 24 and 22.21+, both seen on 22.23.5 and 24.22.3). Node's fetch and
 * WebSocket then go through `HTTP(S)_PROXY` (less `NO_PROXY`), and so must every connection
 * gemloop opens itself: `'auto'` keeps fetch rather than the node transport, and a Live session's
 * socket goes through the proxy (`loadWebSocket`).
 * @internal
 */
export function isEnvProxyOn({ env = {}, execArgv = [] }: EnvProxyProcess): boolean {
  // NODE_OPTIONS is read before the command line: a flag there loses to one on the command line.
  const flags = [...(env['NODE_OPTIONS'] ?? '').split(/\s+/), ...execArgv].filter(
    (flag) => flag === '--use-env-proxy' || flag === '--no-use-env-proxy',
  );
  const last = flags.at(-1);
  if (last !== undefined) return last === '--use-env-proxy';
  return env['NODE_USE_ENV_PROXY'] === '1';
}

/** {@link isEnvProxyOn} for this process, read once at load (Node reads it at its start). @internal */
export const envProxy: boolean =
  isNode && isEnvProxyOn((globalThis as { process?: EnvProxyProcess }).process ?? {});

/**
 * Whether a function's source is Node's own `fetch`: Node 20.19 to 24 define it in JavaScript as
 * `function fetch(input, init = undefined) {` around a lazily loaded undici (`fetchImpl`). Read
 * strictly, as a false "yes" sends around a mock: msw's interceptor (`setupServer().listen()`
 * run before gemloop loaded, as a setup file does) names undici in a comment, and a `Proxy`
 * over fetch reads `[native code]`; the node transport then went to the real host with the
 * user's key. A Node whose fetch reads otherwise gets fetch: slower, never around a mock.
 * @internal
 */
export function isNodesOwnFetchSource(source: string): boolean {
  return (
    /^function fetch\(input, init = undefined\) \{/.test(source) && source.includes('fetchImpl')
  );
}

// why (probe): whether Node's fetch looks native, learned once for the `globalThis.fetch` it was
// learned for.
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
    nativeLooks = isNodesOwnFetchSource(Function.prototype.toString.call(fetch));
  }
  if (!nativeLooks) return false;
  // Any other dispatcher keeps fetch, whether or not Live could use it (installedDispatcher).
  const dispatcher = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER] as
    | { constructor?: { name?: unknown } }
    | undefined;
  return dispatcher === undefined || dispatcher.constructor?.name === 'Agent';
}

/**
 * The undici dispatcher the program installed for Node's fetch and WebSocket (undici's
 * `setGlobalDispatcher`: a `ProxyAgent`, an `EnvHttpProxyAgent`, a `MockAgent`), or `undefined`
 * while it is undici's default `Agent` or none. Read by its registered key, so the dispatcher of
 * any copy of undici counts (Node's own, the program's, core's).
 * @internal
 */
export function installedDispatcher(): { dispatch: (...args: never[]) => unknown } | undefined {
  const dispatcher = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER] as
    | { constructor?: { name?: unknown }; dispatch?: unknown }
    | undefined;
  if (dispatcher === undefined || dispatcher.constructor?.name === 'Agent') return undefined;
  return typeof dispatcher.dispatch === 'function'
    ? (dispatcher as { dispatch: (...args: never[]) => unknown })
    : undefined;
}

// why (lazy): the node transport, loaded once.
let node: Transport | undefined;
let loading: Promise<Transport | undefined> | undefined;
/** Why undici could not be loaded (a bundle that left it out): `'auto'` then stays on fetch. */
let loadFailure: unknown;

/**
 * The node transport, loaded on first use (undici is not imported until then, nor the transport's
 * module: a dynamic import). When it cannot be loaded, `'auto'` falls back to fetch for good and
 * `'node'` fails with an error saying why.
 */
function nodeTransport(option: TransportOption, fetch: Transport): Transport | Promise<Transport> {
  if (node !== undefined) return node;
  if (loadFailure !== undefined) return afterFailure(option, fetch);
  return loadNodeTransport().then((loaded) => loaded ?? afterFailure(option, fetch));
}

/** Loads the node transport once; `undefined` when it cannot be (the failure is kept). */
function loadNodeTransport(): Promise<Transport | undefined> {
  loading ??= import('../../http/transport/create-node-transport.ts')
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
  return loading;
}

/**
 * Loads the node transport (undici's files) now, as a client's first request would on Node; a
 * failure is kept for that request to report (see `preloadRunPath`).
 * @internal
 */
export async function preloadNodeTransport(): Promise<void> {
  if (isNode) await loadNodeTransport();
}

function afterFailure(option: TransportOption, fetch: Transport): Transport {
  if (option === 'auto') return fetch;
  throw new Error(
    "transport 'node' could not load undici (is it bundled or installed?); use transport 'auto' or 'fetch'.",
    { cause: loadFailure },
  );
}

/**
 * The node transport where a client without an injected fetch gets it: `'node'` always; `'auto'`
 * on Node while `globalThis.fetch` is Node's own, unpatched (see {@link isPristineNodeFetch}),
 * no env proxy is on and no compression is asked for (fetch decodes it; undici does not).
 * `undefined` where fetch is used. Off Node (the web half) there is none.
 * @internal
 */
export function selectNodeTransport(
  client: { transport: TransportOption; headers: Record<string, string> },
  fetch: Transport,
): Transport | Promise<Transport> | undefined {
  if (client.transport === 'node') return nodeTransport('node', fetch);
  if (
    client.transport === 'auto' &&
    isNode &&
    !envProxy &&
    client.headers['accept-encoding'] === undefined &&
    isPristineNodeFetch()
  ) {
    return nodeTransport('auto', fetch);
  }
  return undefined;
}
