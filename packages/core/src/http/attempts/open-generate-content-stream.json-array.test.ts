import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiCallError } from '../../errors/api-call-error.ts';
import { StreamError } from '../../errors/stream-error.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import { readFixture, TEST_KEY } from '../__fixtures__/test-server.ts';
import { createGemini } from '../create-gemini.ts';

// A gateway that ignores `alt=sse` answers streamGenerateContent with the JSON array of chunks,
// written as the model produces them (`[{…}\n,\r\n{…}]`). Each chunk must reach the caller when its
// object is complete, not when the whole array has.

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/**
 * Serves `pieces` one write at a time; a write waits until `gate(index)` resolves. Records, per
 * write, whether it has happened.
 */
async function serveSlowly(
  pieces: readonly string[],
  gate: (index: number) => Promise<void>,
): Promise<{ baseUrl: string; written: boolean[] }> {
  const written = pieces.map(() => false);
  const server = createServer(async (request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
    for (let index = 0; index < pieces.length; index++) {
      await gate(index);
      response.write(pieces[index]);
      written[index] = true;
    }
    response.end();
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, written };
}

/** Splits the recorded array right after each element's closing brace. */
function piecesOf(body: string): string[] {
  return body.split(/(?<=\n\})(?=\n?,)/);
}

describe('streamGenerateContent with a JSON-array body', () => {
  it('delivers the first chunk before the last write', async () => {
    const name = 'gemini3-flash__no-alt-sse-json-array__text-after-tool.json';
    const body = readFixture(`streams/${name}`);
    const pieces = piecesOf(body);
    expect(pieces.length).toBeGreaterThan(1);
    let releaseRest!: () => void;
    const rest = new Promise<void>((resolve) => {
      releaseRest = resolve;
    });
    // The first piece is written at once; the others only after the client saw a chunk (or, if it
    // never does, after the test's own give-up, so a failure is an assertion, not a hang).
    const giveUp = setTimeout(() => releaseRest(), 2_000);
    const { baseUrl, written } = await serveSlowly(pieces, (index) =>
      index === 0 ? Promise.resolve() : rest,
    );
    const gemini = createGemini({ baseUrl, apiKey: TEST_KEY, retry: false });
    const chunks: GenerateContentResponse[] = [];
    let lastWrittenAtFirstChunk: boolean | undefined;
    for await (const chunk of gemini.streamGenerateContent({
      model: 'gemini-3-flash-preview',
      contents: 'Hi',
    })) {
      if (chunks.length === 0) {
        lastWrittenAtFirstChunk = written[written.length - 1];
        releaseRest();
      }
      chunks.push(chunk);
    }
    clearTimeout(giveUp);
    expect(lastWrittenAtFirstChunk).toBe(false);
    expect(chunks).toEqual(JSON.parse(body));
  });

  it('fails with the ApiCallError of an error element after the chunks before it', async () => {
    const error = JSON.parse(
      readFixture('errors/503-UNAVAILABLE-overloaded.no-alt-sse-array.json'),
    )[0];
    const chunk = { candidates: [{ content: { role: 'model', parts: [{ text: 'a' }] } }] };
    const { baseUrl } = await serveSlowly(
      [`[${JSON.stringify(chunk)}\n`, `,\r\n${JSON.stringify(error)}]`],
      () => Promise.resolve(),
    );
    const gemini = createGemini({ baseUrl, apiKey: TEST_KEY, retry: false });
    const chunks: unknown[] = [];
    let caught: unknown;
    try {
      for await (const item of gemini.streamGenerateContent({
        model: 'gemini-2.5-flash',
        contents: 'Hi',
      }))
        chunks.push(item);
    } catch (thrown) {
      caught = thrown;
    }
    expect(chunks).toEqual([chunk]);
    expect(ApiCallError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({ status: 503, googleStatus: 'UNAVAILABLE' });
  });

  it('fails with truncated when the array is cut inside an element', async () => {
    const { baseUrl } = await serveSlowly(['[{"candidates": [', ''], () => Promise.resolve());
    const gemini = createGemini({ baseUrl, apiKey: TEST_KEY, retry: false });
    let caught: unknown;
    try {
      for await (const _ of gemini.streamGenerateContent({
        model: 'gemini-2.5-flash',
        contents: 'Hi',
      })) {
        // no chunk expected
      }
    } catch (thrown) {
      caught = thrown;
    }
    expect(StreamError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({ reason: 'truncated', chunksDelivered: 0 });
  });

  it('reads braces and brackets inside strings as text', async () => {
    const chunk = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'a } ] { [ "\\" b' }] } }],
    };
    const text = `[${JSON.stringify(chunk)}]`;
    const { baseUrl } = await serveSlowly(text.split(''), () => Promise.resolve());
    const gemini = createGemini({ baseUrl, apiKey: TEST_KEY, retry: false });
    const chunks: unknown[] = [];
    for await (const item of gemini.streamGenerateContent({
      model: 'gemini-2.5-flash',
      contents: 'Hi',
    }))
      chunks.push(item);
    expect(chunks).toEqual([chunk]);
  });
});
