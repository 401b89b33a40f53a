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
      input: 'weather in 😀 Paris',
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
    ).toEqual({ message: 'hi', input: 'hi', conversationId: undefined });
    expect(
      await readChatRequest(chunks(JSON.stringify({ message: 'hi', conversationId: 'c-1' }))),
    ).toEqual({ message: 'hi', input: 'hi', conversationId: 'c-1' });
  });

  it('sends the files as inline parts beside the question; a file it refuses is the page`s typed 400', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]).toString('base64');
    const asked = await readChatRequest(
      chunks(
        JSON.stringify({
          message: 'What is this?',
          files: [
            { url: `data:image/png;base64,${png}`, mediaType: 'image/png', filename: 'a.png' },
          ],
        }),
      ),
    );
    expect(asked).toEqual({
      message: 'What is this?',
      input: [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data: png } }],
      conversationId: undefined,
    });
    const refused = await readChatRequest(
      chunks(
        JSON.stringify({
          message: 'And this?',
          files: [
            { url: `data:image/png;base64,${png}` },
            { url: 'http://169.254.169.254/latest/meta-data' },
          ],
        }),
      ),
    );
    expect(refused).toMatchObject({
      status: 400,
      refusal: { error: { code: 'file-refused', file: 1, fault: 'not-a-file' } },
    });
    // The limit is the caller's: the app raises it for files.
    const big = JSON.stringify({
      message: 'x',
      files: [{ url: `data:image/png;base64,${'A'.repeat(40_000)}` }],
    });
    expect(await readChatRequest(chunks(big))).toMatchObject({ status: 413 });
    expect(await readChatRequest(chunks(big), { maxBodyBytes: 64 * 1024 })).toMatchObject({
      input: [{ text: 'x' }, { inlineData: { mimeType: 'image/png' } }],
    });
  });
});
