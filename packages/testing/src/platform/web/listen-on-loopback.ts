import type { listenOnLoopback as NodeListenOnLoopback } from '../node/listen-on-loopback.ts';

/**
 * A browser or worker cannot open a listening socket: `listenOnLoopback()` is Node-only (Bun and
 * Deno take the Node build), so here it rejects, saying so.
 */
export const listenOnLoopback: typeof NodeListenOnLoopback = () =>
  Promise.reject(
    new Error(
      'listenOnLoopback() needs Node (node:http). Serve the test server from a Node process and ' +
        'point the client at its URL.',
    ),
  );
