import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DOOR_KEYS, RUN_INPUT, serveAllDoors } from '../door/__fixtures__/serve-all-doors.ts';

// attack44a: a body sent with a transfer coding besides `chunked` (`Transfer-Encoding: br,
// chunked`). Node's parser takes the chunked framing off and hands the rest over as it came,
// still coded, with nothing to say so: the doors read it as the body, so plain JSON labelled `br`
// ran the model, and gzip reached the door as bytes that are "not UTF-8". A proxy in front that
// decodes the coding would have read another body than the door. A server that does not know a
// transfer coding answers 501 (RFC 9112 section 6.1), which the adapter now does before any door
// reads the request. Raw bytes on a socket, so nothing rewrites the headers.

/** A request of `head` lines with `body` sent in one chunk; the status and body read to the end. */
function rawChunked(
  base: string,
  head: readonly string[],
  body: Uint8Array,
  connection = 'keep-alive',
): Promise<{ status: number; body: string; closed: boolean }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      resolve({
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0),
        body: split === -1 ? '' : text.slice(split + 4),
        closed: /\r\nconnection: close\r\n/i.test(text.slice(0, split)),
      });
    });
    // Kept alive by the client: an answer that closes the connection is the server's choice.
    const lines = [...head, 'Host: 127.0.0.1', `Connection: ${connection}`];
    socket.write(`${lines.join('\r\n')}\r\n\r\n${body.byteLength.toString(16)}\r\n`);
    socket.write(body);
    socket.write('\r\n0\r\n\r\n');
  });
}

const ROUTES: Record<string, string> = {
  '/v1/chat/completions': JSON.stringify({
    model: 'support',
    messages: [{ role: 'user', content: 'Hi' }],
  }),
  '/ag-ui': JSON.stringify(RUN_INPUT),
  '/a2a': JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'message/send',
    params: {
      message: {
        kind: 'message',
        role: 'user',
        messageId: 'm1',
        parts: [{ kind: 'text', text: 'Hi' }],
      },
    },
  }),
};

const headOf = (path: string, coding: string) => [
  `POST ${path} HTTP/1.1`,
  `Authorization: Bearer ${DOOR_KEYS.alice}`,
  'Content-Type: application/json',
  'Accept: application/json, text/event-stream',
  `Transfer-Encoding: ${coding}`,
];

describe('a body with a transfer coding besides chunked, on Node (attack44a)', () => {
  it.each(Object.keys(ROUTES))(
    '%s: 501, closed, no run, for br, gzip or an unknown coding',
    async (path) => {
      const { base, fake, asked } = await serveAllDoors();
      const json = ROUTES[path] as string;
      for (const [coding, body] of [
        ['br, chunked', Buffer.from(json)],
        ['gzip, chunked', gzipSync(json)],
        ['x-custom, chunked', Buffer.from(json)],
      ] as const) {
        const answer = await rawChunked(base, headOf(path, coding), new Uint8Array(body));
        expect(answer.status, coding).toBe(501);
        expect(answer.closed).toBe(true);
        expect(answer.body).toContain('Transfer-Encoding');
        expect(answer.body).not.toContain('x-custom');
      }
      expect(fake.requests).toHaveLength(0);
      // Refused before any door: `authorize` never read the request.
      expect(asked()).toBe(0);
    },
  );

  it('a body chunked alone is served as before', async () => {
    const { base, fake } = await serveAllDoors();
    const path = '/v1/chat/completions';
    const answer = await rawChunked(
      base,
      headOf(path, 'chunked'),
      new Uint8Array(Buffer.from(ROUTES[path] as string)),
      'close',
    );
    expect(answer.status).toBe(200);
    expect(fake.requests).toHaveLength(1);
  });
});
