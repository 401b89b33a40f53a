import type {
  preloadNodeTransport as NodePreloadNodeTransport,
  selectNodeTransport as NodeSelectNodeTransport,
} from '../node/select-node-transport.ts';

/**
 * Off Node there is no undici to load (and a bundle must not pull it in, nor the Node-only checks
 * that pick it): `'auto'` uses fetch, and `'node'` fails as it does on Node when undici cannot be
 * loaded, saying why.
 * @internal
 */
export const selectNodeTransport: typeof NodeSelectNodeTransport = (client) =>
  client.transport === 'node'
    ? Promise.reject(
        new Error(
          "transport 'node' could not load undici (is it bundled or installed?); use transport 'auto' or 'fetch'.",
          { cause: new Error('the node transport (undici) exists only in the Node build') },
        ),
      )
    : undefined;

/** Off Node there is no node transport to load. @internal */
export const preloadNodeTransport: typeof NodePreloadNodeTransport = async () => {};
