import { describe, expect, it } from 'vitest';
import { DOOR_KEYS, RUN_INPUT, serveAllDoors } from './__fixtures__/serve-all-doors.ts';

// attack40: a body whose bytes are not UTF-8 (a lone 0xFF, an overlong `/`, a surrogate written as
// UTF-8) sent to every door. On main each door decoded it as `request.text()` does, U+FFFD in place
// of each bad byte, and ran the model on text the client never wrote (the OpenAI door answered 200
// with the model given "Hi\uFFFD\uFFFD"). JSON between systems MUST be UTF-8 (RFC 8259 section 8.1):
// each door now answers its own parse error, naming the encoding, before any model call.

/** `json` with the bytes `bad` in place of the first `XX`. */
function withBytes(json: string, bad: number[]): Uint8Array<ArrayBuffer> {
  const [before, after] = json.split('XX') as [string, string];
  return new Uint8Array([...Buffer.from(before), ...bad, ...Buffer.from(after)]);
}

const BAD_BYTES = [
  [0xff, 0xc0],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
];

describe('every door and a body that is not UTF-8 (attack40)', () => {
  it.each(BAD_BYTES)('bytes %#: the door’s parse error, no model call', async (...bad) => {
    const { base, fake } = await serveAllDoors();
    const headers = {
      authorization: `Bearer ${DOOR_KEYS.alice}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    const post = async (path: string, json: string) => {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers,
        body: withBytes(json, bad),
      });
      return { status: response.status, text: await response.text() };
    };
    const message = { role: 'user', content: 'HiXX' };
    const openai = await post(
      '/v1/chat/completions',
      JSON.stringify({ model: 'support', messages: [message] }),
    );
    expect(openai.status).toBe(400);
    expect(JSON.parse(openai.text)).toMatchObject({
      error: { type: 'invalid_request_error', code: 'invalid_json' },
    });
    expect(openai.text).toContain('not UTF-8');
    const responses = await post(
      '/v1/responses',
      JSON.stringify({ model: 'support', input: 'HiXX' }),
    );
    expect(responses.status).toBe(400);
    const agUi = await post(
      '/ag-ui',
      JSON.stringify({ ...RUN_INPUT, messages: [{ id: 'm1', ...message }] }),
    );
    expect(agUi.status).toBe(400);
    expect(agUi.text).toContain('not UTF-8');
    const rpc = (method: string, params: unknown) =>
      JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
    const a2a = await post(
      '/a2a',
      rpc('message/send', {
        message: {
          kind: 'message',
          messageId: 'm1',
          role: 'user',
          parts: [{ kind: 'text', text: 'HiXX' }],
        },
      }),
    );
    expect(a2a.status).toBe(400);
    expect(JSON.parse(a2a.text)).toMatchObject({ error: { code: -32700 } });
    const mcp = await post(
      '/mcp',
      rpc('initialize', {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'attackXX', version: '1' },
      }),
    );
    expect(mcp.status).toBe(400);
    expect(JSON.parse(mcp.text)).toMatchObject({ error: { code: -32700 } });
    expect(fake.requests).toHaveLength(0);
  });

  it('a U+FFFD the client wrote, and a character of four bytes, are text as before', async () => {
    const { base, fake } = await serveAllDoors();
    const response = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DOOR_KEYS.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'support',
        messages: [{ role: 'user', content: 'Hi \uFFFD 🚀' }],
      }),
    });
    expect(response.status).toBe(200);
    expect(JSON.stringify(fake.requests[0]?.body)).toContain('Hi \uFFFD 🚀');
  });
});
