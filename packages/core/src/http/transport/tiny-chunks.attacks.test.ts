import { listenOnLoopback } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../../agent/create-agent.ts';
import { createGemini } from '../create-gemini.ts';

// attack19 (left by attack18): a gateway that sends its answer a byte at a time. Each byte is a
// chunk of its own (`1\r\nX\r\n`, HTTP/1.1 chunked coding), so undici hands the client a million
// one-byte pieces for a 1 MiB answer however the kernel groups the reads; the client held an
// object per piece (undici's `body.text()`, a `+=` per read in the capped read) and reached
// 480 MB of RSS where one write cost 77 MB. What the readers hold is counted in
// read-reader-text.test.ts; here the whole client reads such answers, unary and streamed, on
// both transports (the time limit is only a hang guard).

const TEXT = 'é'.repeat(512 * 1024);
const ANSWER = JSON.stringify({
  candidates: [{ content: { role: 'model', parts: [{ text: TEXT }] }, finishReason: 'STOP' }],
});

/**
 * `body` as HTTP/1.1 chunked coding with one byte a chunk, ended. The frames' fixed bytes are one
 * `fill` with the six-byte pattern, then each data byte goes into its place: two `write` calls a
 * byte cost ~240 ms of CPU a framing (load ~30), for the same bytes.
 */
function oneByteChunks(body: string): Buffer {
  const bytes = Buffer.from(body);
  const framed = Buffer.alloc(bytes.byteLength * 6 + 5);
  framed.fill('1\r\n\0\r\n', 0, bytes.byteLength * 6, 'latin1');
  for (let index = 0; index < bytes.byteLength; index++) {
    framed[index * 6 + 3] = bytes[index] as number;
  }
  framed.write('0\r\n\r\n', bytes.byteLength * 6, 'latin1');
  return framed;
}

// Framed once for the file: each test's gateway sends one of the two, as it is.
const UNARY = oneByteChunks(ANSWER);
const STREAMED = oneByteChunks(`data: ${ANSWER}\r\n\r\n`);

describe('a gateway that sends its answer a byte at a time', () => {
  it.each([
    ['node', 'run'],
    ['node', 'stream'],
    ['fetch', 'run'],
    ['fetch', 'stream'],
  ] as const)(
    'gives the whole 1 MiB answer (%s transport, %s)',
    async (transport, mode) => {
      await using server = await listenOnLoopback((request, response) => {
        request.resume();
        request.on('end', () => {
          const sse = request.url?.includes(':streamGenerateContent') === true;
          response.writeHead(200, {
            'content-type': sse ? 'text/event-stream' : 'application/json',
            'transfer-encoding': 'chunked',
          });
          response.flushHeaders();
          // The framing written as it is, so that every byte stays a chunk of its own.
          response.socket?.end(sse ? STREAMED : UNARY);
        });
      });
      const gemini = createGemini({
        apiKey: 'k',
        baseUrl: `http://127.0.0.1:${server.port}`,
        retry: false,
        transport,
      });
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
      let text: string;
      if (mode === 'run') text = (await agent.run('hello')).text;
      else {
        const stream = agent.stream('hello');
        for await (const _event of stream);
        text = (await stream.result).text;
      }
      expect(text.length).toBe(TEXT.length);
      expect(text === TEXT).toBe(true);
    },
    60_000,
  );
});
