import { RequestHandler } from 'msw';
import { setupServer } from 'msw/node';
import { expect } from 'vitest';
import type { Logger } from '../../logging/logger.ts';
import { readFixtureText } from '../../__fixtures__/recorded-gemini.ts';

/**
 * Test-only helpers for the client tests (this folder is excluded from the build).
 */

/** A recorded fixture's text, by its path under `test/fixtures/gemini/`. */
export const readFixture: (path: string) => string = readFixtureText;

let current: ReturnType<typeof setupServer> | undefined;
let patchedFetch: unknown;

/** The msw server of a test file; it fails any request no handler answers. */
export function createTestServer(): ReturnType<typeof setupServer> {
  const server = setupServer();
  const listen = server.listen.bind(server);
  server.listen = (...args) => {
    listen(...args);
    // What msw put in place of globalThis.fetch: a test that replaces it again (a spy) means
    // fetch, and keeps it on the node transport run too.
    patchedFetch = globalThis.fetch;
  };
  current = server;
  return server;
}

/** Whether `globalThis.fetch` is msw's (or Node's own): not a spy a test put in its place. */
export function isMswOrNativeFetch(fetch: unknown, native: unknown): boolean {
  return fetch === native || (patchedFetch !== undefined && fetch === patchedFetch);
}

/**
 * The HTTP handlers of the test file's msw server, for the bridge that serves them to the node
 * transport (see `use-node-transport.ts`).
 */
export function currentTestHandlers(): RequestHandler[] {
  return (current?.listHandlers() ?? []).filter(
    (handler): handler is RequestHandler => handler instanceof RequestHandler,
  );
}

/** A fake API key, distinctive enough to search for in every output. */
export const TEST_KEY = 'AIzaTEST-secret-key-0123456789';

/** Google's v1beta root. */
export const GOOGLE = 'https://generativelanguage.googleapis.com/v1beta';

/** A `text/event-stream` body that sends `chunks` (raw strings), one per read. */
export function sseBody(chunks: readonly string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(encoder.encode(chunk));
    },
  });
}

/** One SSE event for a JSON value, framed as Gemini frames it. */
export function sseEvent(value: unknown): string {
  return `data: ${JSON.stringify(value)}\r\n\r\n`;
}

/** A minimal GenerateContentResponse with one text part. */
export function textResponse(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }],
    usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
    modelVersion: 'gemini-2.5-flash',
    ...extra,
  };
}

/**
 * Counts the retries a client schedules (its `info` log line), so a test with fake timers can wait
 * for the client to have read a response and started its wait before advancing the clock. Over
 * msw's in-process fetch that happens within the same microtasks; over a real socket (the node
 * transport) it takes event-loop turns that fake timers do not advance.
 */
export function retryWatch(): { logger: Logger; untilRetries(count: number): Promise<void> } {
  let retries = 0;
  // Woken by the retry's own log line, not by counting event-loop turns: a turn budget is a time
  // limit in disguise, and a loaded machine (load 20) ran out of it before the first answer came.
  const waiting: (() => void)[] = [];
  const noop = () => {};
  const logger: Logger = {
    child: () => logger,
    debug: noop,
    info: () => {
      retries++;
      for (const wake of waiting.splice(0)) wake();
    },
    warn: noop,
    error: noop,
    isLevelEnabled: (level) => level === 'info',
  };
  return {
    logger,
    async untilRetries(count) {
      while (retries < count) await new Promise<void>((resolve) => waiting.push(resolve));
      expect(retries).toBe(count);
    },
  };
}
