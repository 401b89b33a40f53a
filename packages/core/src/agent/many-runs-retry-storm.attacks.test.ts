import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createAgent, createGemini } from '@gemloop/core';
import { AgentAbortedError, ModelCallError } from '@gemloop/core/errors';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';

// attack48a: a 429/503 storm from a gateway in front of the model, with Retry-After, to 200 runs
// at once on one agent. The gateway echoes the key it was sent in its error messages (as some
// proxies do). Each run is named by a marker in its input; the gateway answers by the run:
//   0: one 429 with `Retry-After: 1`, then the model      -> the retry waits a second, then works
//   1: two 503s with `retry-after-ms: 300`, then the model -> two waits of 300 ms, then works
//   2: 503 with `Retry-After: 1` every time                -> fails after its retries, key-free
//   3: 429 with `Retry-After: 3`, the run aborted 100 ms later -> ends during the wait
//   4: one 429 with an HTTP-date Retry-After 1-2 s ahead, then the model -> works

const RUNS = 200;
const KEY = 'AIzaSyStormKey48aStormKey48aStormKey48';
const MODEL = 'gemini-2.5-flash';

function markerOf(text: string): number {
  return Number(/run-(\d+)-/.exec(text)?.[1] ?? -1);
}

type Attempt = { at: number; status: number };

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function startGateway(upstream: string, onBusy: (run: number) => void) {
  const attempts = new Map<number, Attempt[]>();
  const failWith = (
    response: ServerResponse,
    status: number,
    headers: Record<string, string>,
    key: string,
  ): void => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(
      JSON.stringify({
        error: {
          code: status,
          message: `Gateway busy for key ${key}; try again (${status}).`,
          status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'UNAVAILABLE',
        },
      }),
    );
  };
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const run = markerOf(body);
    const key = String(request.headers['x-goog-api-key'] ?? '');
    const list = attempts.get(run) ?? [];
    attempts.set(run, list);
    const attempt = list.length;
    const group = run % 5;
    let status = 200;
    if (group === 0 && attempt === 0) status = 429;
    if (group === 1 && attempt < 2) status = 503;
    if (group === 2) status = 503;
    if (group === 3) status = 429;
    if (group === 4 && attempt === 0) status = 429;
    list.push({ at: performance.now(), status });
    if (status === 429 && group === 0) return failWith(response, 429, { 'retry-after': '1' }, key);
    if (status === 503 && group === 1) {
      return failWith(response, 503, { 'retry-after-ms': '300' }, key);
    }
    if (status === 503) return failWith(response, 503, { 'retry-after': '1' }, key);
    if (status === 429 && group === 3) {
      failWith(response, 429, { 'retry-after': '3' }, key);
      return onBusy(run);
    }
    if (status === 429) {
      const date = new Date(Date.now() + 2_000).toUTCString();
      return failWith(response, 429, { 'retry-after': date }, key);
    }
    const answer = await fetch(`${upstream}${request.url}`, {
      method: request.method ?? 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': key },
      body,
    });
    response.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    if (answer.body === null) return response.end();
    Readable.fromWeb(answer.body as never).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attempts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every string reachable from an error: message, stack, cause chain, own fields. */
function textOf(error: unknown): string {
  const seen = new WeakSet<object>();
  const parts: string[] = [];
  const walk = (value: unknown, depth: number): void => {
    if (depth > 8 || value === null || value === undefined) return;
    if (typeof value === 'string') parts.push(value);
    if (typeof value !== 'object' && typeof value !== 'function') return;
    if (seen.has(value as object)) return;
    seen.add(value as object);
    if (value instanceof Error) parts.push(value.message, value.stack ?? '', String(value));
    for (const key of Object.getOwnPropertyNames(value)) {
      walk((value as Record<string, unknown>)[key], depth + 1);
    }
  };
  walk(error, 0);
  return parts.join('\n');
}

type Outcome = { run: number; text?: string; error?: unknown; startedAt: number; endedAt: number };

describe('a 429/503 storm with Retry-After to 200 runs on one agent', async () => {
  const fake = createFakeGemini({
    script: (_request, context) =>
      turn.text(`answer of run-${markerOf(context.lastUserText ?? '')}-`),
    keepRequests: 4,
  });
  const { url: upstream } = await fake.listen();
  // Group 3's users press stop 100 ms after the gateway told their run to wait 3 s.
  const controllers = new Map<number, AbortController>();
  const abortedAt = new Map<number, number>();
  const gateway = await startGateway(upstream, (run) => {
    setTimeout(() => {
      abortedAt.set(run, performance.now());
      controllers.get(run)?.abort(new Error(`user ${run} pressed stop`));
    }, 100);
  });
  const gemini = createGemini({
    baseUrl: gateway.url,
    apiKey: KEY,
    retry: { maxRetries: 2, initialDelayMs: 10, jitter: false },
  });
  const agent = createAgent({ gemini, model: MODEL });
  // A server that has been up a while: its agent's loop is loaded (the first run loads it).
  await agent.run('warm up');
  const outcomes = await Promise.all(
    Array.from({ length: RUNS }, async (_, run): Promise<Outcome> => {
      const startedAt = performance.now();
      const input = `question of run-${run}-`;
      const controller = new AbortController();
      controllers.set(run, controller);
      const signal = run % 5 === 3 ? controller.signal : undefined;
      try {
        if (run % 2 === 0) {
          const result = await agent.run(input, { signal });
          return { run, text: result.text, startedAt, endedAt: performance.now() };
        }
        const stream = agent.stream(input, { signal });
        for await (const _event of stream);
        const result = await stream.result;
        return { run, text: result.text, startedAt, endedAt: performance.now() };
      } catch (error) {
        return { run, error, startedAt, endedAt: performance.now() };
      }
    }),
  );
  await agent.close();
  await gateway.close();
  await fake.close();
  const group = (index: number) => outcomes.filter((outcome) => outcome.run % 5 === index);
  const gaps = (run: number): number[] => {
    const list = gateway.attempts.get(run) ?? [];
    return list.slice(1).map((attempt, index) => attempt.at - (list[index] as Attempt).at);
  };

  it('the runs the gateway let through in the end have their own answers', () => {
    for (const outcome of [...group(0), ...group(1), ...group(4)]) {
      expect(outcome.error, `run ${outcome.run}: ${textOf(outcome.error)}`).toBeUndefined();
      expect(outcome.text).toBe(`answer of run-${outcome.run}-`);
    }
  });

  it('each retry waited what the gateway asked', () => {
    for (const outcome of group(0)) {
      expect(gaps(outcome.run)).toHaveLength(1);
      expect(gaps(outcome.run)[0]).toBeGreaterThanOrEqual(990);
    }
    for (const outcome of group(1)) {
      const waits = gaps(outcome.run);
      expect(waits).toHaveLength(2);
      for (const wait of waits) expect(wait).toBeGreaterThanOrEqual(290);
    }
    for (const outcome of group(4)) {
      expect(gaps(outcome.run)).toHaveLength(1);
      // An HTTP date has whole seconds: 2 s ahead is at least 1 s.
      expect(gaps(outcome.run)[0]).toBeGreaterThanOrEqual(990);
    }
  });

  it('a run the gateway never lets through fails after its retries, with no key in the error', () => {
    for (const outcome of group(2)) {
      expect(ModelCallError.isInstance(outcome.error), textOf(outcome.error)).toBe(true);
      expect(gateway.attempts.get(outcome.run)).toHaveLength(3);
      for (const wait of gaps(outcome.run)) expect(wait).toBeGreaterThanOrEqual(990);
      expect(textOf(outcome.error)).not.toContain(KEY);
      expect(textOf(outcome.error)).toContain('Gateway busy');
    }
  });

  it('a run aborted during a 3 s Retry-After ends then, with no key in the error', () => {
    for (const outcome of group(3)) {
      expect(AgentAbortedError.isInstance(outcome.error), textOf(outcome.error)).toBe(true);
      expect(gateway.attempts.get(outcome.run)).toHaveLength(1);
      // A hang guard, not a speed judgement: the wait it must cut short is 3 s.
      expect(outcome.endedAt - (abortedAt.get(outcome.run) ?? 0)).toBeLessThan(2_500);
      expect(textOf(outcome.error)).not.toContain(KEY);
    }
  });
});
