import { describe, expect, it } from 'vitest';
import { oneStreamPerSession } from './one-stream-per-session.ts';

/** A fetch that answers each GET with a stream the test ends, and anything else with 202. */
function streamingFetch(status = 200) {
  const sent: { method: string; session: string | null }[] = [];
  const ends: (() => void)[] = [];
  const fetch = async (_input: string | URL, init?: RequestInit): Promise<Response> => {
    const method = init?.method ?? 'GET';
    sent.push({ method, session: new Headers(init?.headers).get('mcp-session-id') });
    if (method !== 'GET') return new Response(null, { status: 202 });
    if (status !== 200) return new Response('no', { status });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(': open\n\n'));
        ends.push(() => controller.close());
      },
    });
    return new Response(body, { status, headers: { 'content-type': 'text/event-stream' } });
  };
  return { fetch, sent, ends };
}

const get = (session: string): RequestInit => ({
  method: 'GET',
  headers: { 'mcp-session-id': session, accept: 'text/event-stream' },
});

describe('oneStreamPerSession', () => {
  it('answers a second GET of a session whose stream is open with 405, without sending it', async () => {
    const inner = streamingFetch();
    const refused: string[] = [];
    const fetch = oneStreamPerSession({ fetch: inner.fetch, onRefused: (id) => refused.push(id) });
    const first = await fetch('http://127.0.0.1/mcp', get('s-1'));
    expect(first.status).toBe(200);
    expect((await fetch('http://127.0.0.1/mcp', get('s-1'))).status).toBe(405);
    expect(refused).toEqual(['s-1']);
    // Another session's stream, and a POST of the same session, go out.
    expect((await fetch('http://127.0.0.1/mcp', get('s-2'))).status).toBe(200);
    const post = { method: 'POST', headers: { 'mcp-session-id': 's-1' }, body: '{}' };
    expect((await fetch('http://127.0.0.1/mcp', post)).status).toBe(202);
    expect(inner.sent.map(({ method, session }) => `${method} ${session}`)).toEqual([
      'GET s-1',
      'GET s-2',
      'POST s-1',
    ]);
    await first.body?.cancel();
  });

  it('frees the session when its stream ends, is cancelled, or was refused by the server', async () => {
    const inner = streamingFetch();
    const fetch = oneStreamPerSession({ fetch: inner.fetch });
    const ended = await fetch('http://127.0.0.1/mcp', get('s-1'));
    // Read to its end (the server closed it): the SDK's reconnection goes out.
    inner.ends[0]?.();
    expect(await ended.text()).toBe(': open\n\n');
    const cancelled = await fetch('http://127.0.0.1/mcp', get('s-1'));
    expect(cancelled.status).toBe(200);
    await cancelled.body?.cancel();
    expect((await fetch('http://127.0.0.1/mcp', get('s-1'))).status).toBe(200);
    expect(inner.sent).toHaveLength(3);
    const refusing = streamingFetch(409);
    const once = oneStreamPerSession({ fetch: refusing.fetch });
    expect((await once('http://127.0.0.1/mcp', get('s-9'))).status).toBe(409);
    expect((await once('http://127.0.0.1/mcp', get('s-9'))).status).toBe(409);
    expect(refusing.sent).toHaveLength(2);
  });
});
