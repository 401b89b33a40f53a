// @gemloop/serve/node: the doors' Fetch-API handlers on a `node:http` server.

export type { FetchHandler } from './to-node-listener.ts';
export { toNodeListener } from './to-node-listener.ts';
