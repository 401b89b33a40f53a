import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { type LoopbackServer, listenOnLoopback } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError } from '../../errors/api-call-error.ts';
import { createGemini } from '../create-gemini.ts';

// attack62b: a gateway (CometAPI-like, a proxy) that lists a content-coding many times over, on a
// real socket on 127.0.0.1 and on both transports. Each listed coding is one zlib decoder: the
// node transport built one per name (3,000 fit in a 15 KB header; the call spent its whole time
// limit on them), while Node's fetch refuses more than 5 (undici's fix of the unbounded chain, as
// curl's CVE-2022-32206) but as a network failure, retried as one.

const KEY = 'AIzaTEST-content-codings-0123456789ab';
const ANSWER = JSON.stringify({
  candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, index: 0 }],
});

/** `text` gzipped `layers` times, with a header that lists each layer. */
function layered(text: string, layers: number): { body: Buffer; header: string } {
  let body = Buffer.from(text);
  for (let layer = 0; layer < layers; layer++) body = gzipSync(body);
  return { body, header: Array.from({ length: layers }, () => 'gzip').join(', ') };
}

let answer: (response: ServerResponse) => void = (response) => response.end();
let requests = 0;
let server: LoopbackServer;
let baseUrl = '';

beforeAll(async () => {
  server = await listenOnLoopback((_request, response) => {
    requests++;
    answer(response);
  });
  baseUrl = `${server.url}/v1beta`;
});
afterAll(() => server.close());

/** Every request is answered with `ANSWER` (an SSE event of it for a stream) encoded in `layers`
 * gzip layers, each one listed. */
function serveLayers(layers: number, contentType = 'application/json'): void {
  const sse = contentType === 'text/event-stream';
  const { body, header } = layered(sse ? `data: ${ANSWER}\r\n\r\n` : ANSWER, layers);
  requests = 0;
  answer = (response) => {
    response.writeHead(200, { 'content-type': contentType, 'content-encoding': header });
    response.end(body);
  };
}

const request = { model: 'gemini-2.5-flash', contents: 'Hi' };

for (const transport of ['node', 'fetch'] as const) {
  describe(`a content-encoding of many codings (${transport} transport)`, () => {
    const client = () =>
      createGemini({
        apiKey: KEY,
        baseUrl,
        transport,
        retry: { maxRetries: 2, initialDelayMs: 1 },
        // A hang guard only: the refusal comes before any body is read.
        timeoutMs: 30_000,
      });

    it('200 gzip layers, each listed: refused typed, once, not retried', async () => {
      serveLayers(200);
      const error = await client()
        .generateContent(request)
        .catch((caught: unknown) => caught);
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect((error as ApiCallError).isRetryable).toBe(false);
      expect((error as Error).message).toMatch(/content-encoding/);
      expect((error as Error).message).toContain('200');
      expect((error as Error).message).not.toContain(KEY);
      expect(requests).toBe(1);
    });

    it('a stream whose header lists 50 codings: refused typed, once', async () => {
      serveLayers(50, 'text/event-stream');
      const error = await (async () => {
        for await (const _chunk of client().streamGenerateContent(request)) {
          // Nothing arrives: the answer is refused at its headers.
        }
      })().catch((caught: unknown) => caught);
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect((error as ApiCallError).isRetryable).toBe(false);
      expect(requests).toBe(1);
    });

    it('five layers, as many as fetch decodes, are still read (held)', async () => {
      serveLayers(5);
      const response = await client().generateContent(request);
      expect(response.candidates?.[0]?.content?.parts?.[0]).toEqual({ text: 'ok' });
      expect(requests).toBe(1);
    });
  });
}
