import {
  createReplayBuffer,
  type DurableEventEntry,
  toDurableEventStreamResponse,
  toEventStreamResponse,
} from '@gemloop/core/web';
import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { agentEvents } from './agent-events.ts';
import { ClientError } from './client-error.ts';
import type { ResumePoint } from './resume-point.ts';
import { streamAgent } from './stream-agent.ts';

// A page reload in the middle of a run: the first page saves each resume point `onResumePoint`
// gives (as an app would in sessionStorage), the reloaded page passes the last one as `resume`.

/** A run of ten text deltas, the last five held until `release()`. */
function heldRun() {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  async function* run() {
    for (let index = 0; index < 10; index++) {
      if (index === 5) await held;
      yield { type: 'text-delta' as const, path: [], stepNumber: 1, text: `${index},` };
    }
  }
  return { source: Object.assign(run(), { abort() {} }), release };
}

/** A server route with a replay buffer, as docs/browser-protocol.md shows it. */
function server() {
  const replay = createReplayBuffer();
  const run = heldRun();
  const requests: Headers[] = [];
  const fetch = async (_url: unknown, init?: RequestInit): Promise<Response> => {
    const request = new Request('http://x/chat', init);
    requests.push(request.headers);
    const resumed = replay.resume(request);
    if (resumed !== undefined) {
      run.release();
      return resumed;
    }
    return toEventStreamResponse(run.source, { replay, heartbeatMs: 0 });
  };
  return { fetch, requests };
}

describe('resuming a run after a page reload', () => {
  it('continues from the saved point: the rest of the run, once, and no second start', async () => {
    const { fetch, requests } = server();
    const saved: (ResumePoint | undefined)[] = [];
    // The first page: it takes in five deltas, then the page reloads. Its request goes away
    // without a Stop (a reload runs no abort handler): leaving the loop drops the connection, as
    // the browser does, and no cancel is sent.
    const shown: string[] = [];
    for await (const event of agentEvents('http://x/chat', {
      fetch,
      body: { message: 'count' },
      onResumePoint: (point) => saved.push(point),
    })) {
      if (event.type === 'text-delta') shown.push(event.text);
      if (shown.length === 5) break;
    }
    expect(shown.join('')).toBe('0,1,2,3,4,');
    const point = saved.at(-1);
    // start is event 0, so the fifth delta is 5.
    expect(point).toEqual({ runId: expect.any(String), lastEventId: '5' });

    // The reloaded page.
    const after: (ResumePoint | undefined)[] = [];
    const result = await streamAgent('http://x/chat', {
      fetch,
      body: { message: 'count' },
      resume: point,
      onResumePoint: (next) => after.push(next),
    });
    expect(result.text).toBe('5,6,7,8,9,');
    expect(result.runId).toBe(point?.runId);
    expect(result.finish?.outcome).toBe('completed');
    expect(requests).toHaveLength(2);
    expect(requests[1]?.get('gemloop-run-id')).toBe(point?.runId);
    expect(requests[1]?.get('last-event-id')).toBe('5');
    // A point per event, then nothing to resume once the run finished.
    expect(after.slice(0, 2)).toEqual([
      { runId: point?.runId, lastEventId: '6' },
      { runId: point?.runId, lastEventId: '7' },
    ]);
    expect(after.at(-1)).toBeUndefined();
  });

  it('continues a durable run from its store the same way (GET, ids are store offsets)', async () => {
    const stored = ['a', 'b', 'c', 'd'].map((text, offset) => ({
      offset,
      event: { type: 'text-delta' as const, path: [], stepNumber: 1, text },
    }));
    const headers: Headers[] = [];
    const fetch = async (_url: unknown, init?: RequestInit): Promise<Response> => {
      const request = new Request('http://x/runs/d1/events', init);
      headers.push(request.headers);
      return toDurableEventStreamResponse(request, {
        runId: 'd1',
        events: async function* (offset: number): AsyncGenerator<DurableEventEntry> {
          yield* stored.slice(offset) as DurableEventEntry[];
        },
        ended: async () => ({ outcome: 'aborted' }),
        heartbeatMs: 0,
      });
    };
    const result = await streamAgent('http://x/runs/d1/events', {
      fetch,
      method: 'GET',
      resume: { runId: 'd1', lastEventId: '1' },
    });
    expect(result.text).toBe('cd');
    expect(result.finish?.outcome).toBe('aborted');
    expect(headers).toHaveLength(1);
    expect(headers[0]?.get('last-event-id')).toBe('1');
  });

  it('says when the run can no longer be resumed, and forgets the point', async () => {
    const points: (ResumePoint | undefined)[] = [];
    const error = await rejection(
      streamAgent('http://x/chat', {
        fetch: async () => new Response('{"error":"gone"}', { status: 410 }),
        resume: { runId: 'r1', lastEventId: '3' },
        onResumePoint: (point) => points.push(point),
      }),
    );
    expect(ClientError.isInstance(error) && error.code).toBe('resume-unavailable');
    expect(points).toEqual([undefined]);
  });

  it('refuses a resume point it cannot send, naming the option, before any request', async () => {
    let calls = 0;
    const fetch = async () => {
      calls++;
      return new Response('');
    };
    for (const resume of [
      { runId: '', lastEventId: '3' },
      { runId: 'r1', lastEventId: 'a\nb' },
      { runId: 'r1' },
      'r1:3',
    ]) {
      const error = await rejection(
        streamAgent('http://x/chat', { fetch, resume: resume as unknown as ResumePoint }),
      );
      expect(ClientError.isInstance(error) && [error.code, error.option]).toEqual([
        'invalid-option',
        'resume',
      ]);
      expect((error as Error).message).toMatch(/resume must be \{ runId, lastEventId \}/);
    }
    expect(calls).toBe(0);
  });
});
