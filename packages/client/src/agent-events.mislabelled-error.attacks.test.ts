import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { scriptedServer } from './__fixtures__/scripted-server.ts';
import { agentEvents } from './agent-events.ts';
import { ClientError } from './client-error.ts';
import { toPageMessage } from './to-page-message.ts';

// A 200 labelled `text/event-stream` whose body is an error as JSON (a gateway or a framework's
// error handler that keeps the route's content type), or an HTML page: eventsource-parser reads
// `{"error":…}` as a line of an unknown field and skips it, so the body ended with no event and the
// page got `connection-lost`, "The connection was lost before the run finished; try again": a
// retry that gets the same answer, and nothing of what the server said for the developer.

const KEY = 'pagekey-8e1f0c3b7a';

async function failure(body: string): Promise<ClientError> {
  const server = await scriptedServer((response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.end(body);
  });
  const error = await rejection(
    (async () => {
      for await (const _ of agentEvents(server.url, { headers: { 'x-api-key': KEY } })) {
        // nothing
      }
    })(),
  );
  if (!ClientError.isInstance(error)) throw error;
  return error;
}

describe('an event stream that holds no event but an error', () => {
  it.each([
    ['JSON', `{"error":{"code":429,"message":"Quota exceeded for key ${KEY}"}}`, /Quota exceeded/],
    ['an HTML page', '<!doctype html><title>502 Bad Gateway</title>', /502 Bad Gateway/],
  ])('%s: protocol, quoting it without the credentials', async (_label, body, words) => {
    const error = await failure(body);
    expect(error.code).toBe('protocol');
    expect(error.message).toMatch(words);
    expect(error.message).not.toContain(KEY);
    expect(toPageMessage(error)).toBe('The server sent an answer this page cannot read.');
  });

  it('pings, then the end: still a lost connection', async () => {
    const error = await failure(': ping\n\n: ping\n\n');
    expect(error.code).toBe('connection-lost');
  });
});
