// A page for test/runtimes/client-hostile-server.attacks.test.ts: `window.probe(path, options)`
// streams `path` of the page's own server with `streamAgent` in the browser's own fetch, and
// answers what a page would have: the events it got, how it ended, and the words it would show.

import { ClientError, streamAgent, toPageMessage } from '../index.ts';

/** What one probe saw. */
export type ProbeResult = {
  ok: boolean;
  events: number;
  types: string[];
  text: string;
  code?: string | undefined;
  status?: number | undefined;
  name?: string | undefined;
  message?: string | undefined;
  pageMessage?: string | undefined;
  ms: number;
};

/** Options a probe passes on to `streamAgent` (the limits and reconnects). */
export type ProbeOptions = {
  maxReconnects?: number;
  reconnectDelayMs?: number;
  maxEventChars?: number;
  maxEvents?: number;
  abortAfterMs?: number;
  headers?: Record<string, string>;
};

async function probe(path: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const started = performance.now();
  const types: string[] = [];
  let events = 0;
  (globalThis as { probeEvents?: number }).probeEvents = 0;
  const { abortAfterMs, ...rest } = options;
  const controller = new AbortController();
  if (abortAfterMs !== undefined) setTimeout(() => controller.abort(), abortAfterMs);
  try {
    const result = await streamAgent(path, {
      ...rest,
      body: { message: 'Hi' },
      signal: controller.signal,
      onEvent: (event) => {
        events += 1;
        // Read by a test while the probe runs: when the page has shown an event.
        (globalThis as { probeEvents?: number }).probeEvents = events;
        if (types.length < 50) types.push(event.type);
      },
    });
    return {
      ok: true,
      events,
      types,
      text: result.text.slice(0, 200),
      ms: performance.now() - started,
    };
  } catch (error) {
    return {
      ok: false,
      events,
      types,
      text: '',
      code: ClientError.isInstance(error) ? error.code : undefined,
      status: ClientError.isInstance(error) ? error.status : undefined,
      name: error instanceof Error ? error.name : typeof error,
      message: error instanceof Error ? error.message.slice(0, 500) : String(error),
      pageMessage: toPageMessage(error),
      ms: performance.now() - started,
    };
  }
}

(globalThis as { probe?: typeof probe }).probe = probe;
