import type { AgentEvent } from '@gemloop/core';
import { createReplayBuffer, toEventStreamResponse } from '@gemloop/core/web';
import { describe, expect, it } from 'vitest';
import { cutAfter } from './__fixtures__/cut-after.ts';
import { streamAgent } from './stream-agent.ts';

// Issue 52: Stop means stop. With a replay buffer on the server a closed connection looks like a
// dropped one (the run waits for a resume), so the client's Stop sends an explicit cancel, which
// the server honours at once; a connection that merely broke still resumes.

/** A run that sends `a,`, then waits until released (`b,`) or aborted. */
function heldRun() {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let abort: (reason: unknown) => void = () => {};
  const stopped = new Promise<never>((_, reject) => (abort = reject));
  stopped.catch(() => {});
  let aborted: () => void = () => {};
  const abortedOnce = new Promise<void>((resolve) => (aborted = resolve));
  const aborts: unknown[] = [];
  async function* events(): AsyncGenerator<AgentEvent<unknown>> {
    yield { type: 'text-delta', path: [], stepNumber: 1, text: 'a,' } as AgentEvent<unknown>;
    await Promise.race([released, stopped]);
    yield { type: 'text-delta', path: [], stepNumber: 1, text: 'b,' } as AgentEvent<unknown>;
  }
  const source = Object.assign(events(), {
    abort(reason?: unknown) {
      aborts.push(reason);
      abort(reason);
      aborted();
    },
  });
  return { source, aborts, aborted: abortedOnce, release: () => release() };
}

/** A chat route: the owner is the caller's authorization header (a session, in an app). */
function chatRoute(options: { replay: boolean; cut?: boolean }) {
  const run = heldRun();
  const replay = options.replay ? createReplayBuffer({ reconnectWindowMs: 3_600_000 }) : undefined;
  const requests: { url: string; headers: Headers }[] = [];
  let started = false;
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(String(url), init);
    requests.push({ url: String(url), headers: request.headers });
    const owner = request.headers.get('authorization') ?? undefined;
    const handled = replay?.resume(request, { owner });
    if (handled !== undefined) return handled;
    if (started) return new Response('{"error":"one run only"}', { status: 500 });
    started = true;
    const response = toEventStreamResponse(run.source, { replay, owner, heartbeatMs: 0 });
    if (options.cut !== true) return response;
    // The connection breaks after `start` and the first text.
    return cutAfter(response, 2);
  };
  return { ...run, fetch, requests };
}

/** Streams until the first text, then stops as a Stop button does; resolves with the error. */
async function stopAfterFirstText(
  fetch: typeof globalThis.fetch,
  options: { cancelUrl?: string } = {},
): Promise<unknown> {
  const controller = new AbortController();
  return streamAgent('http://x/chat', {
    fetch,
    headers: { authorization: 'alice' },
    signal: controller.signal,
    ...options,
    onEvent: (event) => {
      if (event.type === 'text-delta') controller.abort(new Error('Stopped by the user.'));
    },
  }).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('agentEvents: Stop', () => {
  it('sends a cancel the server honours at once when the run outlives a dropped connection', async () => {
    const route = chatRoute({ replay: true });
    const error = await stopAfterFirstText(route.fetch as typeof fetch);
    expect(error).toEqual(new Error('Stopped by the user.'));
    // The run is aborted now, not after the reconnect window (an hour here).
    await route.aborted;
    expect(route.aborts).toHaveLength(1);
    const cancel = route.requests[1]?.headers;
    expect(cancel?.get('gemloop-cancel')).toBe('1');
    // With the page's own headers: the route knows whose Stop it is.
    expect(cancel?.get('authorization')).toBe('alice');
    expect(cancel?.get('gemloop-run-id')).toBeTruthy();
  });

  it('still resumes a connection that merely broke: the run goes on to its end', async () => {
    const route = chatRoute({ replay: true, cut: true });
    const streamed = streamAgent('http://x/chat', {
      fetch: route.fetch as typeof fetch,
      headers: { authorization: 'alice' },
      reconnectDelayMs: 1,
      onEvent: (event) => {
        if (event.type === 'text-delta') route.release();
      },
    });
    const result = await streamed;
    expect(result.text).toBe('a,b,');
    expect(result.finish?.outcome).toBe('completed');
    expect(route.aborts).toEqual([]);
    expect(route.requests[1]?.headers.get('last-event-id')).toBeTruthy();
  });

  it('sends no cancel to a server whose closed connection stops the run (no replay buffer)', async () => {
    const route = chatRoute({ replay: false });
    await stopAfterFirstText(route.fetch as typeof fetch);
    await route.aborted;
    expect(route.requests).toHaveLength(1);
  });

  it('sends the cancel to cancelUrl when given (a durable run cancelled by a route of its own)', async () => {
    const route = chatRoute({ replay: false });
    await stopAfterFirstText(route.fetch as typeof fetch, { cancelUrl: 'http://x/runs/r/cancel' });
    await route.aborted;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(route.requests.map((request) => request.url)).toEqual([
      'http://x/chat',
      'http://x/runs/r/cancel',
    ]);
  });
});
