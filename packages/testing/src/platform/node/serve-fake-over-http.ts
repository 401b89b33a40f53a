// The fake's HTTP server needs node:http: reached through `#platform/*` on Node only.
export { serveFakeOverHttp } from '../../serve/serve-fake-over-http.ts';
