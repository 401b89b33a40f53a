import { describe, expect, it } from 'vitest';
import { StreamError } from '../errors/stream-error.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import { parseGenerateContentStream } from './parse-generate-content-stream.ts';

// A server that keeps sending bytes never trips the idle limit: one event that never ends must
// still stop the stream before it exhausts memory.

const encoder = new TextEncoder();
const chunk = (text: string) =>
  `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text }] } }] })}\n\n`;

/** A body that sends `first`, then `filler` forever (until cancelled). */
function endless(
  first: string,
  filler: string,
): { body: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let sentFirst = false;
  let wasCancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(encoder.encode(sentFirst ? filler : first));
      sentFirst = true;
    },
    cancel() {
      wasCancelled = true;
    },
  });
  return { body, cancelled: () => wasCancelled };
}

async function read(
  body: ReadableStream<Uint8Array>,
): Promise<{ chunks: GenerateContentResponse[]; error: unknown }> {
  const chunks: GenerateContentResponse[] = [];
  try {
    for await (const value of parseGenerateContentStream({
      body,
      url: 'https://x.test',
      method: 'streamGenerateContent',
      maxEventSize: 100_000,
    })) {
      chunks.push(value);
    }
  } catch (error) {
    return { chunks, error };
  }
  return { chunks, error: undefined };
}

describe('parseGenerateContentStream against a body that never ends an event', () => {
  it('fails a data: line that never ends with a too-large StreamError, after the good chunks', async () => {
    const { body, cancelled } = endless(
      `${chunk('hello')}data: {"candidates":[`,
      'x'.repeat(4_096),
    );
    const { chunks, error } = await read(body);
    expect(chunks).toHaveLength(1);
    expect(StreamError.isInstance(error)).toBe(true);
    expect((error as StreamError).reason).toBe('too-large');
    expect((error as StreamError).chunksDelivered).toBe(1);
    expect(cancelled()).toBe(true);
  });

  it('fails bare JSON that never closes the same way', async () => {
    const { body } = endless('{"error": {"message": "', `${'y'.repeat(1_000)}\n`);
    const { error } = await read(body);
    expect((error as StreamError).reason).toBe('too-large');
  });

  it('still reads an event just under the limit', async () => {
    const text = 'z'.repeat(90_000);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(chunk(text)));
        controller.close();
      },
    });
    const { chunks, error } = await read(body);
    expect(error).toBeUndefined();
    expect(chunks[0]?.candidates?.[0]?.content?.parts?.[0]?.text).toBe(text);
  });
});
