import { describe, expect, it } from 'vitest';
import { counted } from './__fixtures__/counted-tool.ts';
import { INITIALIZE } from './__fixtures__/raw-mcp-session.ts';
import { serveMcp, TOKENS } from './__fixtures__/serve-mcp.ts';

// A request id MCP cannot answer: JSON-RPC 2.0 section 4 allows a String, Number or Null id
// ("Numbers SHOULD NOT contain fractional parts") and MCP narrows it (2025-06-18, Basic, Requests:
// "Requests MUST include a string or integer ID. Unlike base JSON-RPC, the ID MUST NOT be null").
// Such a body is JSON that is no valid Request object: section 5.1's -32600 "Invalid Request",
// not -32700 "Parse error" ("Invalid JSON was received"), which the SDK answered; and section 5
// says the answer's id MUST be Null when the id could not be detected, so the id is never echoed.

const headers = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  authorization: `Bearer ${TOKENS.alice}`,
};

async function openSession(url: URL): Promise<Record<string, string>> {
  const opened = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify(INITIALIZE),
  });
  await opened.text();
  const session = {
    ...headers,
    'mcp-session-id': opened.headers.get('mcp-session-id') ?? '',
    'mcp-protocol-version': '2025-06-18',
  };
  await (
    await fetch(url, {
      method: 'POST',
      headers: session,
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    })
  ).text();
  return session;
}

const bigId = `{${Array.from({ length: 5000 }, (_, index) => `"k${index}":"${'x'.repeat(30)}"`).join(',')}}`;

/** Each id as JSON text (1e400 has no JSON.stringify spelling). */
const INVALID_IDS: [string, string][] = [
  ['an object', '{"a":1}'],
  ['an array', '[1]'],
  ['a fraction', '1.5'],
  ['a boolean', 'true'],
  ['1e400 (Infinity once read)', '1e400'],
  ['null (MCP: MUST NOT be null)', 'null'],
  ['a 200 KB object', bigId],
];

describe('MCP HTTP door: a request id that is no string or integer', () => {
  it.each(INVALID_IDS)('%s: -32600 with id null, never echoed, nothing run', async (_name, id) => {
    const { tool, state } = counted();
    const { url, errors } = await serveMcp([], { door: { exposeTools: [tool] } });
    const session = await openSession(url);
    const response = await fetch(url, {
      method: 'POST',
      headers: session,
      body: `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"count","arguments":{}}}`,
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    expect(text.length).toBeLessThan(400);
    expect(text).not.toContain('"a"');
    expect(state.runs).toBe(0);
    // The session is whole: the next request with a good id is answered.
    const next = await fetch(url, {
      method: 'POST',
      headers: session,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'count', arguments: {} },
      }),
    });
    expect(await next.text()).toContain('counted');
    expect(state.runs).toBe(1);
    expect(errors).toEqual([]);
  });

  it('an initialize with an object id opens no session: -32600, id null', async () => {
    const { url } = await serveMcp([]);
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: '{"jsonrpc":"2.0","id":{"a":1},"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('mcp-session-id')).toBeNull();
    expect(await response.json()).toMatchObject({ id: null, error: { code: -32600 } });
  });

  it('a batch with one bad id among good ones is refused whole (-32600, id null), nothing run', async () => {
    const { tool, state } = counted();
    const { url } = await serveMcp([], { door: { exposeTools: [tool] } });
    const session = await openSession(url);
    const call = (id: string) =>
      `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"count","arguments":{}}}`;
    const response = await fetch(url, {
      method: 'POST',
      headers: session,
      body: `[${call('7')},${call('[7]')}]`,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ id: null, error: { code: -32600 } });
    expect(state.runs).toBe(0);
  });

  it('string and integer ids, and -0, still answer (a response message with any id is the SDK’s)', async () => {
    const { tool, state } = counted();
    const { url } = await serveMcp([], { door: { exposeTools: [tool] } });
    const session = await openSession(url);
    for (const id of ['"a b"', '42', '-0', '9007199254740991']) {
      const response = await fetch(url, {
        method: 'POST',
        headers: session,
        body: `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"count","arguments":{}}}`,
      });
      expect(await response.text()).toContain('counted');
    }
    expect(state.runs).toBe(4);
  });
});
