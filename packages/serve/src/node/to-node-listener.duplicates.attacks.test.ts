import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DOOR_KEYS, RUN_INPUT, serveAllDoors } from '../door/__fixtures__/serve-all-doors.ts';

// attack21: a header Node keeps only the first line of (`IncomingMessage.headers` drops the later
// lines of `authorization`, `proxy-authorization`, `content-type` and a few more, where it joins
// other fields' lines with commas) and that a door or its `authorize` reads to decide. Two
// `Authorization` lines were answered on the first, in silence: a proxy in front that checked the
// last (and passed both on) let a request through on a credential the door never saw, and the
// door acted on one the proxy never checked. Such a field holds one value (RFC 9110 section 5.3:
// a sender MUST NOT send it twice), so two lines are refused with a 400, as two Host lines
// already are (RFC 9112 section 3.2), before any door or `authorize` reads the request. Fields
// whose lines a list joins (`Accept`) are served as before. Raw bytes on a socket, so nothing
// rewrites the headers.

const GOOD = `Authorization: Bearer ${DOOR_KEYS.alice}`;
const BAD = 'Authorization: Bearer someone-else';

/** `lines` (request line and headers) and `body` sent as they are; the status and body read to the end. */
function raw(
  base: string,
  lines: readonly string[],
  body = '',
): Promise<{ status: number; body: string }> {
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
      });
    });
    const head = [
      ...lines,
      'Host: 127.0.0.1',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
    ];
    // Written, not ended: a half-closed socket may be closed by the server before it answers.
    socket.write(`${head.join('\r\n')}\r\n\r\n${body}`);
  });
}

const CHAT = JSON.stringify({ model: 'support', messages: [{ role: 'user', content: 'hi' }] });
const A2A_SEND = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'message/send',
  params: {
    message: {
      kind: 'message',
      role: 'user',
      messageId: 'm1',
      parts: [{ kind: 'text', text: 'hi' }],
    },
  },
});
const MCP_INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'x', version: '1' },
  },
});

const DOORS = [
  ['POST /v1/chat/completions HTTP/1.1', ['Content-Type: application/json'], CHAT],
  ['POST /a2a HTTP/1.1', ['Content-Type: application/json'], A2A_SEND],
  [
    'POST /mcp HTTP/1.1',
    ['Content-Type: application/json', 'Accept: application/json, text/event-stream'],
    MCP_INIT,
  ],
  [
    'POST /ag-ui HTTP/1.1',
    ['Content-Type: application/json', 'Accept: text/event-stream'],
    JSON.stringify(RUN_INPUT),
  ],
] as const;

describe('toNodeListener and a header sent twice that holds one value (attack21)', () => {
  it.each([
    ['the caller’s credential first, another second', [GOOD, BAD]],
    ['another credential first, the caller’s second', [BAD, GOOD]],
    ['the same credential twice', [GOOD, GOOD]],
  ])(
    'two Authorization lines (%s): 400 on every door, authorize never asked, no run',
    async (_, pair) => {
      const { base, fake, asked } = await serveAllDoors();
      for (const [line, headers, body] of DOORS) {
        const answer = await raw(base, [line, ...headers, ...pair], body);
        expect(answer.status, line).toBe(400);
        expect(answer.body, line).toContain('more than one Authorization header');
      }
      expect(asked()).toBe(0);
      expect(fake.requests).toHaveLength(0);
    },
  );

  it('two Proxy-Authorization lines, or two Content-Type lines: 400, no run', async () => {
    const { base, fake, asked } = await serveAllDoors();
    const [line, , body] = DOORS[1];
    const proxy = await raw(
      base,
      [
        line,
        'Content-Type: application/json',
        GOOD,
        'Proxy-Authorization: Basic YTpi',
        'Proxy-Authorization: Basic Yzpk',
      ],
      body,
    );
    expect(proxy.status).toBe(400);
    expect(proxy.body).toContain('more than one Proxy-Authorization header');
    for (const types of [
      ['Content-Type: application/json', 'Content-Type: text/plain'],
      ['Content-Type: text/plain', 'Content-Type: application/json'],
    ]) {
      const answer = await raw(base, [line, ...types, GOOD], body);
      expect(answer.status, types.join(' / ')).toBe(400);
      expect(answer.body).toContain('more than one Content-Type header');
    }
    expect(asked()).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  it('serves a field whose lines a list joins (two Accept lines, two lines of a header of its own)', async () => {
    const { base, fake } = await serveAllDoors();
    const answer = await raw(
      base,
      [
        DOORS[0][0],
        'Content-Type: application/json',
        'Accept: application/json',
        'Accept: */*',
        'X-Trace: a',
        'X-Trace: b',
        GOOD,
      ],
      CHAT,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Hello.');
    expect(fake.requests).toHaveLength(1);
  });
});
