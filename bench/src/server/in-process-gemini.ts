import { ScriptedBodies } from './scripted-bodies.ts';
import { parseScriptedRoute } from './scripted-route.ts';
import type { ContenderServerStats } from './scripted-server.ts';
import { RequestValidator } from './validate-request.ts';

/** The origin in-process base URLs use; nothing listens there, the fetch below answers. */
export const IN_PROCESS_ORIGIN = 'http://in-process.invalid';

/** The scripted Gemini 3 server played inside the contender's process, behind a `fetch`. */
export type InProcessGemini = {
  /** A `fetch` that answers scripted routes under {@link IN_PROCESS_ORIGIN} and nothing else. */
  fetch: typeof globalThis.fetch;
  /** Counters since the last reset; `serverNs` is the time spent inside `fetch` itself. */
  stats(): ContenderServerStats;
  reset(): void;
};

const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'content-disposition': 'attachment' };

/**
 * The scripted server without a network: the same routes, the same request validation
 * ({@link RequestValidator}: the history replayed verbatim, one right `functionResponse` per
 * call) and the same precomputed answer bytes as {@link startScriptedServer}, handed back as a
 * `Response` in the caller's process. What a contender spends per step on top of it is its own
 * library's cost, with no socket, kernel or server-process noise in it.
 *
 * Its own cost (reading the body, `JSON.parse`, validation, building the `Response`) is counted in
 * `serverNs`, so it can be told apart from the contender's. A streamed answer is a body of one
 * piece per SSE event, as the server writes them.
 */
export function createInProcessGemini(): InProcessGemini {
  const validator = new RequestValidator();
  const bodies = new ScriptedBodies();
  let stats: ContenderServerStats = { requests: 0, failures: 0, finals: 0, serverNs: 0 };

  const fail = (status: number, message: string): Response => {
    stats.failures++;
    stats.lastFailure = message;
    const body = JSON.stringify({
      error: { code: status, message, status: status === 400 ? 'INVALID_ARGUMENT' : 'NOT_FOUND' },
    });
    return new Response(body, { status, headers: JSON_HEADERS });
  };

  const answer = async (input: RequestInfo | URL, init: RequestInit | undefined) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    signal?.throwIfAborted();
    const route = url.startsWith(IN_PROCESS_ORIGIN) ? parseScriptedRoute(url) : undefined;
    stats.requests++;
    if (route === undefined) return fail(404, `in-process server: no route for ${url}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readBody(input, init));
    } catch {
      parsed = undefined;
    }
    const validation = validator.validate(route.script, parsed);
    if (!validation.ok)
      return fail(400, `in-process server (${route.script}): ${validation.message}`);
    const { answer: scripted } = validation;
    if (scripted.kind === 'chat' && route.stream)
      return fail(400, 'in-process server: the chat script is played without streaming');
    if (scripted.kind === 'long' && !route.stream)
      return fail(400, 'in-process server: the long script is played with streaming only');
    if (scripted.kind !== 'round') stats.finals++;
    const answerBodies = bodies.of(scripted);
    if (!route.stream)
      return new Response(answerBodies.json as Uint8Array<ArrayBuffer>, {
        status: 200,
        headers: JSON_HEADERS,
      });
    const events = answerBodies.events;
    let index = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (index < events.length) controller.enqueue(events[index++]!);
        else controller.close();
      },
    });
    return new Response(body, { status: 200, headers: SSE_HEADERS });
  };

  return {
    fetch: async (input, init) => {
      const started = process.hrtime.bigint();
      try {
        return await answer(input, init);
      } finally {
        stats.serverNs += Number(process.hrtime.bigint() - started);
      }
    },
    stats: () => ({ ...stats }),
    reset: () => {
      stats = { requests: 0, failures: 0, finals: 0, serverNs: 0 };
    },
  };
}

async function readBody(input: RequestInfo | URL, init: RequestInit | undefined): Promise<string> {
  const body = init?.body;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array)
    return Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8');
  if (body !== undefined && body !== null) return await new Response(body).text();
  return input instanceof Request ? await input.text() : '';
}
