import { describe, expect, it } from 'vitest';
import { readChatRequest } from './chat-app.ts';

/** A body as node:http hands it over: in chunks of bytes. */
async function* chunks(...parts: (string | Uint8Array)[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

describe('readChatRequest (POST /chat of the browser-chat example)', () => {
  it('keeps a character split between two chunks whole', async () => {
    const body = Buffer.from(JSON.stringify({ message: 'weather in 😀 Paris' }));
    const cut = body.indexOf(Buffer.from('😀')) + 2;
    expect(await readChatRequest(chunks(body.subarray(0, cut), body.subarray(cut)))).toEqual({
      message: 'weather in 😀 Paris',
      conversationId: undefined,
    });
  });

  it('answers 400 for a body that is not a question (the model got "undefined" or "[object Object]")', async () => {
    for (const body of [
      'not json',
      'null',
      '[]',
      '{}',
      '{"message":42}',
      '{"message":{}}',
      '{"message":" "}',
    ]) {
      expect(await readChatRequest(chunks(body)), body).toMatchObject({
        status: 400,
        error: expect.stringContaining('"message"'),
      });
    }
  });

  it('answers 413 past 16 KB, and leaves out a conversation id of another shape', async () => {
    expect(await readChatRequest(chunks('x'.repeat(10_000), 'x'.repeat(10_000)))).toMatchObject({
      status: 413,
    });
    expect(
      await readChatRequest(chunks(JSON.stringify({ message: 'hi', conversationId: '../x' }))),
    ).toEqual({ message: 'hi', conversationId: undefined });
    expect(
      await readChatRequest(chunks(JSON.stringify({ message: 'hi', conversationId: 'c-1' }))),
    ).toEqual({ message: 'hi', conversationId: 'c-1' });
  });
});
