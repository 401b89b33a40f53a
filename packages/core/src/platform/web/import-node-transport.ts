import type { importNodeTransport as NodeImportNodeTransport } from '../node/import-node-transport.ts';

/**
 * Off Node there is no undici to load (and a bundle must not pull it in): transport 'auto' uses
 * fetch, and 'node' fails saying why.
 * @internal
 */
export const importNodeTransport: typeof NodeImportNodeTransport = () =>
  Promise.reject(new Error('the node transport (undici) exists only in the Node build'));
