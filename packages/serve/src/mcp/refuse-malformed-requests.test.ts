import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { connectRaw, INITIALIZE, openRawSession } from './__fixtures__/raw-mcp-session.ts';
import { serveMcp } from './__fixtures__/serve-mcp.ts';

// leftovers70: a request of any method whose params are no object, or whose envelope the SDK's
// strict schema refuses, got no answer over a connected transport (the SDK's protocol layer
// drops it as "Unknown message type"), none over stdio (its line reader throws), and -32700 for
// the whole body over HTTP. Now it is answered with its id (-32602 for params, -32600 for the
// envelope), and such a notification is dropped without a word (JSON-RPC 2.0 section 4.1).

const PARAMS_WORDS = (kind: string) =>
  `Invalid params: a request's params must be an object of named values (or left out), not ${kind}.`;

/** Requests the SDK dropped, with the error each is answered now. */
const MALFORMED: [string, Record<string, unknown>, { code: number; message: string }][] = [
  [
    'tools/list, params a string',
    { method: 'tools/list', params: 'x' },
    { code: -32602, message: PARAMS_WORDS('a string') },
  ],
  [
    'ping, params a number',
    { method: 'ping', params: 5 },
    { code: -32602, message: PARAMS_WORDS('a number') },
  ],
  [
    'prompts/list, params null',
    { method: 'prompts/list', params: null },
    { code: -32602, message: PARAMS_WORDS('null') },
  ],
  [
    'tools/list, params an array',
    { method: 'tools/list', params: ['a'] },
    { code: -32602, message: PARAMS_WORDS('an array') },
  ],
  [
    'an unknown method, params a boolean',
    { method: 'no/such', params: true },
    { code: -32602, message: PARAMS_WORDS('a boolean') },
  ],
  [
    'tools/list, params._meta a string',
    { method: 'tools/list', params: { _meta: 'x' } },
    {
      code: -32602,
      message:
        'Invalid params: params._meta must be an object whose progressToken is a string or an integer (MCP, _meta).',
    },
  ],
  [
    'ping, jsonrpc "1.0"',
    { method: 'ping', jsonrpc: '1.0' },
    { code: -32600, message: 'Invalid Request: jsonrpc must be "2.0", not a string.' },
  ],
  [
    'ping, another member',
    { method: 'ping', extra: 1 },
    {
      code: -32600,
      message:
        'Invalid Request: a request holds jsonrpc, id, method and params, and no other member.',
    },
  ],
];

const request = (id: number, fields: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  ...fields,
});

describe('MCP door: a request the SDK cannot read, of any method', () => {
  it('over a connected transport: each answered with its id; such a notification gets nothing', async () => {
    const { door, errors } = await serveMcp([]);
    const { send, answerTo } = await connectRaw(door);
    let id = 1;
    for (const [, fields, error] of MALFORMED) {
      await send(request(id, fields));
      expect(await answerTo(id)).toEqual({ jsonrpc: '2.0', id, error });
      id += 1;
    }
    // A notification is not answered; the next request is, and is the next thing said.
    const said: unknown[] = [];
    await send({ jsonrpc: '2.0', method: 'notifications/initialized', params: 'x' });
    await send({ jsonrpc: '2.0', id: 50, method: 'ping' });
    said.push(await answerTo(50));
    expect(said).toEqual([{ jsonrpc: '2.0', id: 50, result: {} }]);
    // The session is whole: a readable tools/list is answered.
    await send(request(51, { method: 'tools/list' }));
    expect(await answerTo(51)).toMatchObject({ id: 51, result: { tools: expect.any(Array) } });
    expect(errors).toEqual([]);
  });

  it.each(MALFORMED)(
    'over HTTP, %s: 400 with its id (was -32700 for the body)',
    async (_name, fields, error) => {
      const { url, errors } = await serveMcp([]);
      const post = await openRawSession(url);
      const answered = await post(request(7, fields));
      expect(answered.status).toBe(400);
      expect(JSON.parse(answered.text)).toEqual({ jsonrpc: '2.0', id: 7, error });
      // A batch holding one is refused whole, with id null, as a batch with a bad id is.
      const batch = await post([request(8, { method: 'ping' }), request(9, fields)]);
      expect(batch.status).toBe(400);
      expect(JSON.parse(batch.text)).toEqual({ jsonrpc: '2.0', id: null, error });
      expect((await post(request(7, { method: 'ping' }))).messages).toEqual([
        { jsonrpc: '2.0', id: 7, result: {} },
      ]);
      expect(errors).toEqual([]);
    },
  );

  it('over HTTP, such a notification: accepted without an answer, alone or beside a request', async () => {
    const { url, errors } = await serveMcp([]);
    const post = await openRawSession(url);
    const notification = { jsonrpc: '2.0', method: 'notifications/initialized', params: 'x' };
    const alone = await post(notification);
    expect(alone.status).toBe(202);
    expect(alone.text).toBe('');
    const beside = await post([notification, request(3, { method: 'ping' })]);
    expect(beside.status).toBe(200);
    expect(beside.messages).toEqual([{ jsonrpc: '2.0', id: 3, result: {} }]);
    expect(errors).toEqual([]);
  });

  it('over stdio: each answered with its id, a notification not, and the connection goes on', async () => {
    const { door, errors } = await serveMcp([]);
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const lines: Record<string, unknown>[] = [];
    let pending = '';
    stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const part of parts) lines.push(JSON.parse(part) as Record<string, unknown>);
    });
    const server = await door.connectStdio({ stdin, stdout, stderr });
    const answered = async (count: number) => {
      for (let waited = 0; lines.length < count; waited += 10) {
        if (waited > 20_000) throw new Error(`gave up waiting for ${count} lines on stdout`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    try {
      stdin.write(`${JSON.stringify(INITIALIZE)}\n`);
      await answered(1);
      stdin.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
      let id = 1;
      for (const [, fields] of MALFORMED) stdin.write(`${JSON.stringify(request(id++, fields))}\n`);
      // CRLF, as the SDK's reader takes it, and a notification that gets nothing.
      stdin.write('{"jsonrpc":"2.0","method":"notifications/cancelled","params":7}\r\n');
      // A batch, which the SDK's stdio reader reads not (nothing was answered): one -32600.
      stdin.write('[{"jsonrpc":"2.0","id":88,"method":"ping"}]\n');
      // A tools/call whose params are no object was answered in memory only (leftovers69).
      stdin.write('{"jsonrpc":"2.0","id":89,"method":"tools/call","params":"hi"}\n');
      stdin.write('{"jsonrpc":"2.0","id":90,"method":"ping"}\n');
      await answered(MALFORMED.length + 4);
      expect(lines.slice(1)).toEqual([
        ...MALFORMED.map(([, , error], index) => ({ jsonrpc: '2.0', id: index + 1, error })),
        {
          jsonrpc: '2.0',
          id: null,
          error: {
            code: -32600,
            message:
              'Invalid Request: this transport reads one JSON-RPC message a line, not a batch (an array); send each message on its own line.',
          },
        },
        {
          jsonrpc: '2.0',
          id: 89,
          error: {
            code: -32602,
            message: `Invalid params: tools/call's params must be an object ({ "name": ..., "arguments": {...} }), not a string.`,
          },
        },
        { jsonrpc: '2.0', id: 90, result: {} },
      ]);
      expect(errors).toEqual([]);
    } finally {
      stdin.end();
      await server.close();
    }
  });
});
