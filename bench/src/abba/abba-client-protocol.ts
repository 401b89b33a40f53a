import type { AbbaMode, AbbaTransport } from './abba-options.ts';

/** What one client process loads: which build, how it sends, where to. */
export type AbbaClientSetup = {
  /** A folder holding @gemloop/core as a package: `dist/index.js` and its `node_modules`. */
  coreDirectory: string;
  mode: AbbaMode;
  transport: AbbaTransport;
  /** `<server>/c/<name>/seq5`: the name keeps this process's counters apart on the server. */
  baseUrl: string;
  maxSteps: number;
};

/** Messages the orchestrator sends to a client process, one at a time. */
export type AbbaClientRequest =
  | { type: 'load'; setup: AbbaClientSetup }
  | { type: 'warmup'; runs: number }
  | { type: 'sample'; runs: number };

/** Messages a client process sends back: one per request, after a first `up`. */
export type AbbaClientReply =
  | { type: 'up' }
  | { type: 'loaded' }
  | { type: 'warmed' }
  /** Client CPU (user + system) µs a step over the sample's runs. */
  | { type: 'sample'; cpuUsPerStep: number }
  | { type: 'failed'; message: string };
