import { describe, expect, it } from 'vitest';
import type { FakeHttpRequest, FakeReply } from '../state/fake-state.ts';
import { handleFetchRequest } from './to-fetch-response.ts';

// The fake reached through fetch (`fake.fetch`, msw): a Request in, the fake's reply out as a
// Response whose body arrives in the pieces the fake wrote, or breaks off as a dropped
// connection does under undici ("fetch failed", cause UND_ERR_SOCKET).

const reply = (overrides: Partial<FakeReply> = {}): FakeReply => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  delayMs: 0,
  chunkDelayMs: 0,
  pieces: ['{"ok":true}'],
  end: 'normal',
  ...overrides,
});

/** Handles `request` with a fake that records what it got and answers `answer`. */
async function through(request: Request, answer: FakeReply, signal?: AbortSignal) {
  const seen: FakeHttpRequest[] = [];
  const response = await handleFetchRequest(
    async (received) => {
      seen.push(received);
      return answer;
    },
    request,
    signal,
  );
  return { response, seen };
}

describe('handleFetchRequest', () => {
  it('hands the fake the method, path with query, lower-case headers and the body', async () => {
    const { seen } = await through(
      new Request(
        'https://generativelanguage.googleapis.com/v1beta/models/m:generateContent?alt=sse',
        {
          method: 'POST',
          headers: { 'X-Goog-Api-Key': 'k', 'Content-Type': 'application/json' },
          body: '{"contents":[{"parts":[{"text":"Grüße 😀"}]}]}',
        },
      ),
      reply(),
    );
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/v1beta/models/m:generateContent?alt=sse',
      body: '{"contents":[{"parts":[{"text":"Grüße 😀"}]}]}',
    });
    expect(seen[0]?.headers).toMatchObject({
      'x-goog-api-key': 'k',
      'content-type': 'application/json',
      host: 'generativelanguage.googleapis.com',
    });
    expect(seen[0]?.bytes).toEqual(
      new TextEncoder().encode('{"contents":[{"parts":[{"text":"Grüße 😀"}]}]}'),
    );
  });

  it('reads no body of a GET, and keeps binary bytes of an upload as they came', async () => {
    const get = await through(new Request('http://127.0.0.1/v1beta/models'), reply());
    expect(get.seen[0]).toMatchObject({ method: 'GET', body: '' });
    expect(get.seen[0]?.bytes).toBeUndefined();
    const binary = new Uint8Array([0xff, 0x00, 0xfe, 0x80]);
    const upload = await through(
      new Request('http://127.0.0.1/upload/v1beta/files', { method: 'PUT', body: binary }),
      reply(),
    );
    expect(upload.seen[0]?.bytes).toEqual(binary);
  });

  it('answers one piece as a plain response with the status and headers', async () => {
    const { response } = await through(
      new Request('http://127.0.0.1/x', { method: 'POST', body: '{}' }),
      reply({ status: 429, headers: { 'content-type': 'application/json', 'retry-after': '3' } }),
    );
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.text()).toBe('{"ok":true}');
  });

  it('streams several pieces in order, each one readable as it comes', async () => {
    const pieces = ['data: {"a":1}\r\n\r\n', 'data: {"b":"😀"}\r\n\r\n', 'data: {"c":3}\r\n\r\n'];
    const { response } = await through(
      new Request('http://127.0.0.1/x', { method: 'POST', body: '{}' }),
      reply({ headers: { 'content-type': 'text/event-stream' }, pieces }),
    );
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    const read: string[] = [];
    for (;;) {
      const next = await reader?.read();
      if (next === undefined || next.done) break;
      read.push(decoder.decode(next.value));
    }
    expect(read).toEqual(pieces);
  });

  it('fails like a refused connection when the reply is a reset with nothing sent', async () => {
    const error = await through(
      new Request('http://127.0.0.1/x', { method: 'POST', body: '{}' }),
      reply({ end: 'reset', pieces: [] }),
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('fetch failed');
    expect(((error as Error).cause as { code?: unknown }).code).toBe('UND_ERR_SOCKET');
  });

  it('delivers what was sent before a reset, then breaks the body off', async () => {
    const { response } = await through(
      new Request('http://127.0.0.1/x', { method: 'POST', body: '{}' }),
      reply({ end: 'reset', pieces: ['data: {"a":1}\r\n\r\n'] }),
    );
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toBe('data: {"a":1}\r\n\r\n');
    const broken = await reader?.read().catch((thrown: unknown) => thrown);
    expect((broken as Error).message).toBe('fetch failed');
  });

  it("stops waiting out a delay when the caller's signal aborts", async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const pending = through(
      new Request('http://127.0.0.1/x', { method: 'POST', body: '{}' }),
      reply({ delayMs: 3_600_000 }),
      controller.signal,
    );
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});
