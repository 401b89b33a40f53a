import type { serveFakeOverHttp as NodeServeFakeOverHttp } from '../node/serve-fake-over-http.ts';

/**
 * A browser or worker cannot open a listening socket: `fake.listen()` is Node-only (Bun and Deno
 * take the Node build). Serve the fake from Node and point the client at its URL, or use
 * `fake.fetch` in-process.
 * @internal
 */
export const serveFakeOverHttp: typeof NodeServeFakeOverHttp = () =>
  Promise.reject(
    new Error(
      'fake.listen() needs Node (node:http). On this runtime use fake.fetch in-process ' +
        '(createGemini({ fetch: fake.fetch })), or serve the fake from a Node process.',
    ),
  );
