import { preloadModelCalls } from '../http/model-call-entry.ts';
import { preloadRunLoop } from './loaded-loop.ts';

/**
 * Loads now what an agent's first run loads on first use: the loop (about 40 modules), the
 * request path (about 30, eventsource-parser among them) and, on Node, the node transport's
 * undici files. They stay lazy for `import '@gemloop/core'` (its cold import is a bench target);
 * a long-lived process calls this at start so that its first run does not hold the event loop
 * while they are compiled. A durable worker does, before it takes runs: on a loaded machine its
 * first model call held the worker's heartbeats for over a second, long enough for the fleet to
 * take a live worker's run over. A load that fails is left for the first use to report, as it
 * would be without this.
 * @internal
 */
export async function preloadRunPath(): Promise<void> {
  await Promise.all([preloadRunLoop(), preloadModelCalls()]);
}
