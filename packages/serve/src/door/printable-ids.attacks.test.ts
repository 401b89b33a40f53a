import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DOOR_KEYS, RUN_INPUT, serveAllDoors } from './__fixtures__/serve-all-doors.ts';

// attack44a: A2A refused ids holding a control or bidi character, AG-UI took them (a `threadId`
// of a line end, a terminal escape or a U+202E, which goes to the server's logs and spans and
// back to the page in every event). Every door that takes an id from its caller now refuses
// one in the same words, `<field> must be an id of printable characters (no line end, control
// or bidi character).`, in its own error shape, before any model call. MCP's `sessionId` held
// already (letters, digits and `. _ : -` only): its own, stricter words.

const BAD_IDS: Record<string, string> = {
  'a line end': 't\n1',
  'a terminal escape': '\u001b[2Jt1',
  'a C1 control (NEL)': 't\u00851',
  'a right-to-left override': 't\u202e1',
  'a bidi isolate': '\u2066t1',
  'a line separator': 't\u20281',
  'a right-to-left mark': 't\u200f1',
};

const WORDS = 'must be an id of printable characters (no line end, control or bidi character).';

async function send(base: string, path: string, body: unknown, method = 'POST') {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${DOOR_KEYS.alice}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text() };
}

describe.each(Object.entries(BAD_IDS))('an id with %s', (_, id) => {
  it('AG-UI: threadId and runId refused, 400 invalid_input, before any model call', async () => {
    const { base, fake } = await serveAllDoors();
    for (const field of ['threadId', 'runId'] as const) {
      const { status, text } = await send(base, '/ag-ui', { ...RUN_INPUT, [field]: id });
      expect(status).toBe(400);
      expect(JSON.parse(text)).toMatchObject({
        error: { code: 'invalid_input', message: `${field} ${WORDS}` },
      });
    }
    expect(fake.requests).toHaveLength(0);
    // The same request with a printable id runs.
    expect((await send(base, '/ag-ui', RUN_INPUT)).status).toBe(200);
  });

  it('OpenAI Responses: previous_response_id, conversation and the path id refused, 400 naming them', async () => {
    const { base, fake } = await serveAllDoors();
    for (const [param, body] of [
      ['previous_response_id', { model: 'support', input: 'Hi', previous_response_id: id }],
      ['conversation', { model: 'support', input: 'Hi', conversation: id }],
      ['conversation.id', { model: 'support', input: 'Hi', conversation: { id } }],
    ] as const) {
      const { status, text } = await send(base, '/v1/responses', body);
      expect(status).toBe(400);
      expect(JSON.parse(text)).toMatchObject({
        error: { type: 'invalid_request_error', param, message: `${param} ${WORDS}` },
      });
    }
    for (const method of ['GET', 'DELETE']) {
      const { status, text } = await send(
        base,
        `/v1/responses/${encodeURIComponent(id)}`,
        undefined,
        method,
      );
      expect(status).toBe(400);
      expect(JSON.parse(text)).toMatchObject({
        error: { code: 'invalid_path', message: `The id in the path ${WORDS}` },
      });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('A2A: a message naming such a contextId or taskId refused, as before', async () => {
    const { base, fake } = await serveAllDoors();
    for (const field of ['contextId', 'taskId'] as const) {
      const { text } = await send(base, '/a2a', {
        jsonrpc: '2.0',
        id: 1,
        method: 'message/send',
        params: {
          message: {
            kind: 'message',
            messageId: 'm1',
            role: 'user',
            parts: [{ kind: 'text', text: 'Hi' }],
            [field]: id,
          },
        },
      });
      expect(JSON.parse(text)).toMatchObject({
        error: { message: expect.stringContaining(`${field} ${WORDS}`) },
      });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it("MCP: ask_support's sessionId refused, as before (its own, stricter words)", async () => {
    const { base, fake } = await serveAllDoors();
    const mcp = new Client({ name: 'printable-ids', version: '1.0.0' });
    onTestFinished(() => mcp.close());
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${DOOR_KEYS.alice}` } },
      }),
    );
    const refused = await mcp
      .callTool({ name: 'ask_support', arguments: { message: 'Hi', sessionId: id } })
      .then(
        (result) => JSON.stringify(result),
        (error: unknown) => String(error),
      );
    expect(refused).toContain('sessionId: 1 to 128 letters, digits and . _ : -');
    expect(fake.requests).toHaveLength(0);
  });
});
