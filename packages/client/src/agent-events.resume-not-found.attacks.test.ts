import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { frame, scriptedServer } from './__fixtures__/scripted-server.ts';
import { agentEvents } from './agent-events.ts';
import { ClientError } from './client-error.ts';
import type { ResumePoint } from './resume-point.ts';

// The durable events route of docs/streaming-to-a-browser.md answers a run that is not the
// caller's, or that does not exist (deleted, another database after a redeploy), with `404`
// before any event, for a resume as for a first read: a point saved by another user, or by this
// user for a run that is gone. Only a `410` read as `resume-unavailable`: the 404 was an
// `http-status`, `onResumePoint` never heard that the point was dead, and a page that saves it
// (useAgentChat's onResumePoint, sessionStorage) tried it again at every reload, failing each time.

const start = { type: 'start', path: [], runId: 'r1', protocol: 1 };

async function failure(
  url: string,
  resume: ResumePoint | undefined,
  points: (ResumePoint | undefined)[],
): Promise<ClientError> {
  const error = await rejection(
    (async () => {
      for await (const _ of agentEvents(url, {
        method: 'GET',
        resume,
        reconnectDelayMs: 0,
        onResumePoint: (point) => points.push(point),
      })) {
        // read on
      }
    })(),
  );
  if (!ClientError.isInstance(error)) throw error;
  return error;
}

describe('agentEvents: a resume answered 404 (the documented durable route: not your run, or none)', () => {
  it('a saved point of another user: resume-unavailable, and the point is dropped', async () => {
    const server = await scriptedServer((response) => {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'No such run.' }));
    });
    const points: (ResumePoint | undefined)[] = [];
    const error = await failure(server.url, { runId: 'r1', lastEventId: '7' }, points);
    expect(error.code).toBe('resume-unavailable');
    expect(error.status).toBe(404);
    expect(points).toEqual([undefined]);
    expect(server.requests[0]?.['last-event-id']).toBe('7');
  });

  it('a reconnect mid-run after the run went (the server lost it): resume-unavailable, the point dropped', async () => {
    const server = await scriptedServer((response, index) => {
      if (index === 0) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        // The connection drops after two events.
        response.end(frame(-1, start) + frame(0, { type: 'step-start', path: [], stepNumber: 0 }));
        return;
      }
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'No such run.' }));
    });
    const points: (ResumePoint | undefined)[] = [];
    const error = await failure(server.url, undefined, points);
    expect(error.code).toBe('resume-unavailable');
    expect(points.at(-1)).toBeUndefined();
    expect(server.requests).toHaveLength(2);
  });

  it('a first request answered 404 (a wrong URL) is still an http-status', async () => {
    const server = await scriptedServer((response) => {
      response.writeHead(404).end('Not Found');
    });
    const error = await failure(server.url, undefined, []);
    expect(error.code).toBe('http-status');
    expect(error.status).toBe(404);
  });
});
