import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { agentEvents } from './agent-events.ts';
import { ClientError } from './client-error.ts';

// An event past `maxEventChars` that arrives whole in one read (attack45b). eventsource-parser's
// `maxBufferSize` bounds what it holds between reads: an event complete inside one read is handed
// out whatever its length. Chromium reads a loopback answer of a few KB in one piece
// (test/runtimes/client-hostile-server.attacks.test.ts); a page's own `fetch` or a service worker
// can answer with one chunk of any size.

const frame = (id: number, data: object) => `id: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
const start = { type: 'start', path: [], runId: 'run-a', protocol: 1 };
const text = (value: string) => ({ type: 'text-delta', path: [], stepNumber: 1, text: value });
const finish = { type: 'finish', path: [], outcome: 'completed' };

/** A fetch answering with `body` as one chunk. */
const oneChunk = (body: string): typeof fetch =>
  (async () =>
    new Response(body, { headers: { 'content-type': 'text/event-stream' } })) as typeof fetch;

async function drain(iterable: AsyncIterable<{ type: string }>): Promise<string[]> {
  const types: string[] = [];
  for await (const event of iterable) types.push(event.type);
  return types;
}

describe('an event past maxEventChars in one read', () => {
  it.each([
    ['the default bound (1,000,000), an event of 5,000,000', undefined, 5_000_000],
    [
      'a bound of 1,000, an event of 1,001 characters of data',
      1000,
      1001 - '{"type":"text-delta","path":[],"stepNumber":1,"text":""}'.length,
    ],
  ])('%s: ClientError limit, the event not shown', async (_, maxEventChars, length) => {
    const body = frame(0, start) + frame(1, text('m'.repeat(length))) + frame(2, finish);
    const seen: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const event of agentEvents('http://x/chat', {
          fetch: oneChunk(body),
          maxEventChars,
        })) {
          seen.push(event.type);
        }
      })(),
    );
    expect(ClientError.isInstance(error) && error.code).toBe('limit');
    expect((error as Error).message).toMatch(/maxEventChars/);
    // What came before it is shown; it and what follows it are not.
    expect(seen).toEqual(['start']);
  });

  it('an event of exactly maxEventChars characters of data is taken', async () => {
    const data = JSON.stringify(text('x'));
    const body = frame(0, start) + frame(1, text('x')) + frame(2, finish);
    const types = await drain(
      agentEvents('http://x/chat', { fetch: oneChunk(body), maxEventChars: data.length }),
    );
    expect(types).toEqual(['start', 'text-delta', 'finish']);
  });
});
