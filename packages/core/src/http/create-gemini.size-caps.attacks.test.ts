import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { ResponseTooLargeError } from '../errors/response-too-large-error.ts';
import { TEST_KEY } from './__fixtures__/test-server.ts';
import { createGemini } from './create-gemini.ts';
import { MAX_ERROR_BODY_BYTES } from './transport/read-body-text.ts';

// A hostile or broken server controls how long a body is. A 400 MB 200 body was read whole
// (530 MB RSS) and a 300 MB 500 body reached 1.5 GB: a unary body is now capped by
// maxResponseBytes, with a typed error, and an error body is read only up to 64 KiB.

const request = { model: 'gemini-2.5-flash', contents: 'Hi' };
const CHUNK = 64 * 1024;

/** A body of `chunks` 64 KiB chunks, made as they are pulled, counting what was pulled. */
function servedBody(chunks: number) {
  const state = { pulledBytes: 0, cancelled: false };
  const chunk = new TextEncoder().encode('x'.repeat(CHUNK));
  let sent = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent++ >= chunks) {
          controller.close();
          return;
        }
        state.pulledBytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, state };
}

function clientServing(response: () => Response, maxResponseBytes?: number) {
  return createGemini({
    apiKey: TEST_KEY,
    retry: false,
    ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }),
    fetch: (() => Promise.resolve(response())) as never,
  });
}

describe('response size caps', () => {
  it('fails a 2xx body past maxResponseBytes with a typed error, without buffering the rest', async () => {
    // 16 MiB offered, 1 MiB allowed.
    const { body, state } = servedBody(256);
    const gemini = clientServing(
      () => new Response(body, { headers: { 'content-type': 'application/json' } }),
      1024 * 1024,
    );
    const error = await gemini.generateContent(request).catch((caught: unknown) => caught);
    expect(ResponseTooLargeError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      maxBytes: 1024 * 1024,
      method: 'generateContent',
      status: 200,
    });
    expect((error as Error).message).toContain('maxResponseBytes');
    expect(state.pulledBytes).toBeLessThanOrEqual(1024 * 1024 + 2 * CHUNK);
    expect(state.cancelled).toBe(true);
  });

  it('refuses at once a 2xx body whose Content-Length is past the cap', async () => {
    const { body, state } = servedBody(256);
    const gemini = clientServing(
      () => new Response(body, { headers: { 'content-length': String(256 * CHUNK) } }),
      1024 * 1024,
    );
    const error = await gemini.countTokens(request).catch((caught: unknown) => caught);
    expect(ResponseTooLargeError.isInstance(error)).toBe(true);
    expect(state.pulledBytes).toBeLessThanOrEqual(CHUNK);
  });

  it('still reads a body within the cap', async () => {
    const text = JSON.stringify({ totalTokens: 3 });
    const gemini = clientServing(() => Response.json(JSON.parse(text)), text.length);
    await expect(gemini.countTokens(request)).resolves.toMatchObject({ totalTokens: 3 });
  });

  it('reads an error body only up to 64 KiB and cancels the rest, keeping the status', async () => {
    const { body, state } = servedBody(256);
    const gemini = clientServing(() => new Response(body, { status: 500 }));
    const error = await gemini.generateContent(request).catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).status).toBe(500);
    expect((error as ApiCallError).responseBody?.length).toBe(MAX_ERROR_BODY_BYTES);
    expect(state.pulledBytes).toBeLessThanOrEqual(MAX_ERROR_BODY_BYTES + 2 * CHUNK);
    expect(state.cancelled).toBe(true);
  });

  it('caps the error body of a stream the same way', async () => {
    const { body, state } = servedBody(256);
    const gemini = clientServing(() => new Response(body, { status: 503 }));
    const error = await (async () => {
      for await (const _ of gemini.streamGenerateContent(request)) {
        // not reached
      }
    })().catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).status).toBe(503);
    expect(state.pulledBytes).toBeLessThanOrEqual(MAX_ERROR_BODY_BYTES + 2 * CHUNK);
  });

  it('fails a stream of valid chunks past maxStreamBytes in total with a typed error', async () => {
    // Each event is small and valid, and they keep coming: only a total cap stops this (an
    // answer that grew to 528 MiB failed with V8's untyped "Invalid string length").
    const event = new TextEncoder().encode(
      `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'x'.repeat(CHUNK) }] } }] })}\n\n`,
    );
    const state = { pulledBytes: 0, cancelled: false };
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          state.pulledBytes += event.byteLength;
          controller.enqueue(event);
        },
        cancel() {
          state.cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    const gemini = createGemini({
      apiKey: TEST_KEY,
      retry: false,
      maxStreamBytes: 1024 * 1024,
      fetch: (() =>
        Promise.resolve(
          new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
        )) as never,
    });
    let chunks = 0;
    const error = await (async () => {
      for await (const _ of gemini.streamGenerateContent(request)) chunks++;
    })().catch((caught: unknown) => caught);
    expect(ResponseTooLargeError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      maxBytes: 1024 * 1024,
      method: 'streamGenerateContent',
      status: 200,
      chunksDelivered: chunks,
    });
    expect(chunks).toBeGreaterThan(10);
    expect((error as ResponseTooLargeError).receivedBytes).toBeGreaterThan(1024 * 1024);
    expect((error as Error).message).toContain('maxStreamBytes');
    expect(state.pulledBytes).toBeLessThanOrEqual(1024 * 1024 + 2 * event.byteLength);
    expect(state.cancelled).toBe(true);
  });

  it('rejects a maxResponseBytes or maxStreamBytes that is not a positive integer, naming it', () => {
    for (const name of ['maxResponseBytes', 'maxStreamBytes'] as const) {
      for (const value of [0, -1, 1.5, Number.NaN, '1000']) {
        let error: unknown;
        try {
          createGemini({ apiKey: TEST_KEY, [name]: value as number });
        } catch (caught) {
          error = caught;
        }
        expect(InvalidArgumentError.isInstance(error), `${name} ${String(value)}`).toBe(true);
        expect((error as InvalidArgumentError).argument).toBe(name);
      }
      expect(() =>
        createGemini({ apiKey: TEST_KEY, [name]: Number.POSITIVE_INFINITY }),
      ).not.toThrow();
    }
  });
});
