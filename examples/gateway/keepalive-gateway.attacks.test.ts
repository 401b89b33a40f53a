// A twelfth outside pass (attack12): a gateway that answers `200 text/event-stream` and then sends
// only SSE comments (`: keepalive`), before any chunk or after one. Comments are bytes on the wire
// but no chunk (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation:
// a line starting with ":" is ignored), so the client's idle limit (`timeoutMs`: "each wait for the
// next chunk") must not be fed by them: a gateway that keeps a stream warm forever would hold the
// run forever. Raw node:http on 127.0.0.1, both transports, public imports only.
// The six tests run at once (`describe.concurrent`), each on a gateway of its own: each is a 2 s
// wait on an idle limit, and one after another they held a worker slot ~13 s doing nothing.
import type { ServerResponse } from 'node:http';
import { createAgent, createGemini, GemloopError } from '@gemloop/core';
import { listenOnLoopback } from '@gemloop/testing';
import { describe, expect, it, type TestContext } from 'vitest';

const KEY = 'AIzaKeepalive-0123456789abcdef01234';
const MODEL = 'gemini-2.5-flash';

const chunk = (text: string) =>
  `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text }] } }] })}\n\n`;

/**
 * A gateway that writes `head`, then a comment every 20 ms until the client goes; closed when
 * its test ends (the test's own `onTestFinished`: in a concurrent describe the imported one
 * belongs to whichever test is current).
 */
async function keepalive(
  head: string,
  onTestFinished: TestContext['onTestFinished'],
): Promise<string> {
  const server = await listenOnLoopback((request, response: ServerResponse) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(head);
    const timer = setInterval(() => response.write(': keepalive\n\n'), 20);
    response.on('close', () => clearInterval(timer));
  });
  onTestFinished(() => server.close());
  return server.url;
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the run to fail');
}

describe.concurrent.each(['fetch', 'node'] as const)(
  'a keepalive-only gateway (transport %s)',
  (transport) => {
    // 2 s: long beside the 20 ms between comments, and room for the first chunk at load 30.
    const client = (baseUrl: string) =>
      createGemini({ baseUrl, apiKey: KEY, timeoutMs: 2_000, retry: false, transport });

    it.for([
      ['before the first chunk', '', 'the first chunk'],
      ['after one chunk', chunk('half'), 'the next chunk after 1'],
    ] as const)(
      'comments %s end the stream with a TimeoutError at timeoutMs',
      async ([, head, waiting], { onTestFinished }) => {
        const gemini = client(await keepalive(head, onTestFinished));
        const error = await failure(async () => {
          for await (const _chunk of gemini.streamGenerateContent({
            model: MODEL,
            contents: 'hi',
          })) {
            // read
          }
        });
        expect(GemloopError.isInstance(error) && (error as Error).name).toBe('TimeoutError');
        expect((error as Error).message).toContain(`waiting for ${waiting}`);
        expect(JSON.stringify(error)).not.toContain(KEY);
      },
    );

    it('an agent streaming through it ends typed, not held open', async ({ onTestFinished }) => {
      const agent = createAgent({
        gemini: client(await keepalive(chunk('half'), onTestFinished)),
        model: MODEL,
      });
      const stream = agent.stream('hi');
      const types: string[] = [];
      const error = await failure(async () => {
        for await (const event of stream) types.push(event.type);
      });
      expect(GemloopError.isInstance(error)).toBe(true);
      expect(String((error as Error).message)).not.toContain(KEY);
      expect(types).toContain('text-delta');
    });
  },
);
