// A loopback server needs node:http: reached through `#platform/*` on Node only.
export { listenOnLoopback } from '../../serve/listen-on-loopback.ts';
