import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { agentEvents } from './agent-events.ts';
import { ClientError } from './client-error.ts';

// attack58b redacted the page's credential headers from the HTTP error bodies a ClientError
// quotes, and left the `protocol` errors: they quoted 100 characters of an event's data, 64 of a
// run id, and a `start`'s protocol version and a resumed run's new id whole, as the server sent
// them. A server (or a proxy, a gateway's debug stream) that echoes the request's headers into
// its events put the page's key and Bearer token into the error the page logs.

const TOKEN = 'pagetoken-4f9a8c7e1d2b';
const API_KEY = 'AIzaSyD-echoed-0123456789abcdefghijkl';
const headers = { authorization: `Bearer ${TOKEN}`, 'x-goog-api-key': API_KEY };

const frame = (id: number, data: unknown) => `id: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
const start = (runId: unknown, protocol: unknown = 1) => ({
  type: 'start',
  path: [],
  runId,
  protocol,
});
const eventStream = (body: string) => async () =>
  new Response(body, { headers: { 'content-type': 'text/event-stream' } });

/** The ClientError `agentEvents` ends with, given `options`. */
async function failure(options: Parameters<typeof agentEvents>[1]): Promise<ClientError> {
  const error = await rejection(
    (async () => {
      for await (const _ of agentEvents('http://x/chat', {
        headers,
        maxReconnects: 0,
        ...options,
      })) {
        // nothing
      }
    })(),
  );
  if (!ClientError.isInstance(error)) throw error;
  return error;
}

/** Everything of the error a page may log or send to its tracker: message, stack, fields, cause. */
function everythingOf(error: ClientError): string {
  const cause = error.cause as { message?: unknown; stack?: unknown } | undefined;
  return [
    error.message,
    String(error.stack),
    JSON.stringify({ ...error }),
    String(cause?.message),
    String(cause?.stack),
  ].join('\n');
}

function expectNoCredential(error: ClientError): void {
  const all = everythingOf(error);
  expect(all).not.toContain(TOKEN);
  expect(all).not.toContain(API_KEY);
  // Nor their first characters (a cut through one).
  expect(all).not.toContain(TOKEN.slice(0, 8));
  expect(all).not.toContain(API_KEY.slice(0, 8));
}

describe('protocol errors quote what the server sent without the page`s credentials', () => {
  it("data that is not JSON: the 100 characters quoted, and no cause quoting the data (V8's SyntaxError does)", async () => {
    const error = await failure({
      fetch: eventStream(
        `${frame(0, start('run-a'))}data: Bearer ${TOKEN} x-goog-api-key=${API_KEY}\n\n`,
      ),
    });
    expect(error.code).toBe('protocol');
    expectNoCredential(error);
    // `Bearer <token>` is redacted whole (the longest credential first), the key alone.
    expect(error.message).toBe("An event's data is not JSON: [redacted] x-goog-api-key=[redacted]");
    expect(error.cause).toBeUndefined();
  });

  it('a credential across the 100-character cut of the data leaves no piece of it', async () => {
    const data = `${'x'.repeat(95)}${API_KEY}`;
    const error = await failure({ fetch: eventStream(`data: ${data}\n\n`) });
    expectNoCredential(error);
    // Redacted, then cut: what is left at the cut is of the marker, not of the key.
    expect(error.message).toBe(`An event's data is not JSON: ${'x'.repeat(95)}[reda...`);
  });

  it('a second start: both run ids quoted without them', async () => {
    const error = await failure({
      fetch: eventStream(frame(0, start(`run-${TOKEN}`)) + frame(1, start(`run-${API_KEY}`))),
    });
    expect(error.message).toMatch(/second `start`/);
    expectNoCredential(error);
    expect(error.message).toContain('(run run-[redacted]) inside run run-[redacted]');
  });

  it("a start's protocol version that is no number, and a resumed run's new id", async () => {
    const version = await failure({
      fetch: eventStream(frame(0, start('run-a', `2; authorization: Bearer ${TOKEN}`))),
    });
    expect(version.message).toMatch(
      /^The server speaks protocol version 2; authorization: \[redacted\];/,
    );
    expectNoCredential(version);
    const resumed = await failure({
      resume: { runId: 'run-a', lastEventId: '3' },
      fetch: eventStream(frame(0, start(`run-${API_KEY}`))),
    });
    expect(resumed.code).toBe('resume-unavailable');
    expectNoCredential(resumed);
    expect(resumed.message).toContain(
      'started a new run (run-[redacted]) instead of resuming run run-a',
    );
  });

  it('a resumed run id that is an object is quoted as JSON, not a TypeError from String()', async () => {
    const error = await failure({
      resume: { runId: 'run-a', lastEventId: '3' },
      fetch: eventStream(frame(0, start({ toString: 'x' }))),
    });
    expect(error.code).toBe('resume-unavailable');
    expect(error.message).toContain('started a new run ({"toString":"x"})');
  });
});
