import type { ServerResponse } from 'node:http';
import { listenOnLoopback } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { captureError, runTool } from '../__fixtures__/mcp-test-helpers.ts';
import { McpToolCallError } from '../errors/mcp-tool-call-error.ts';
import type { McpTool } from '../tools/create-mcp-tools.ts';
import { connectMcpHttp } from './connect-mcp-http.ts';

// Attack (attack43b): a streamable HTTP MCP server answers a call, on the POST's event stream,
// with a message of the call's id that is not JSON-RPC (an error whose code is a string). The
// SDK parses each event and drops one its schema refuses, reporting it to nobody, so the call
// waited its whole time limit (60 s by default) and the model read that the tool "did not
// answer". Now an answer is added after that event, failing the call at once and naming what
// was wrong; the events around it reach the SDK as they came.

type Answer = (response: ServerResponse, id: unknown) => void;

async function server(call: Answer) {
  const listening = await listenOnLoopback((request, response) => {
    if (request.method !== 'POST') {
      response.writeHead(request.method === 'DELETE' ? 200 : 405).end();
      return;
    }
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      const message = JSON.parse(body) as { id?: unknown; method: string };
      const json = (result: object) =>
        response
          .writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 's1' })
          .end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
      if (message.id === undefined) response.writeHead(202).end();
      else if (message.method === 'initialize') {
        json({
          protocolVersion: '2025-06-18',
          capabilities: { tools: {} },
          serverInfo: { name: 'sloppy', version: '1.0.0' },
        });
      } else if (message.method === 'tools/list') {
        json({ tools: [{ name: 'read', inputSchema: { type: 'object', properties: {} } }] });
      } else call(response, message.id);
    });
  });
  onTestFinished(() => listening.close());
  const connection = await connectMcpHttp({ url: `${listening.url}/mcp`, timeoutMs: 20_000 });
  onTestFinished(() => connection.close());
  return connection.tools[0] as McpTool;
}

const stream = (response: ServerResponse, ...writes: string[]) => {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  const next = () => {
    const text = writes.shift();
    if (text === undefined) return;
    response.write(text);
    setTimeout(next, 20);
  };
  next();
};
const badError = (id: unknown) =>
  JSON.stringify({ jsonrpc: '2.0', id, error: { code: 'oops', message: { text: 'no' } } });
const result = (id: unknown, text: string) =>
  JSON.stringify({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }] } });

describe('connectMcpHttp against a server whose event answers a call with a message that is not JSON-RPC', {
  timeout: 60_000,
}, () => {
  it.each([
    ['lines ending in LF', '\n'],
    ['lines ending in CRLF', '\r\n'],
    ['lines ending in CR', '\r'],
  ])('fails the call at once, naming what was wrong (%s)', async (_label, end) => {
    const tool = await server((response, id) =>
      stream(response, `: hello${end}${end}`, `data: ${badError(id)}${end}${end}`),
    );
    const started = performance.now();
    const error = await captureError(runTool(tool, {}));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(McpToolCallError.isInstance(error) && error.reason).toBe('protocol-error');
    expect((error as Error).message).toContain('"error.code" is not an integer');
    expect((error as Error).message).toContain('sloppy');
  });

  it('an invalid event split across three writes fails the call at once too', async () => {
    const tool = await server((response, id) => {
      const bad = `data: ${badError(id)}\n\n`;
      stream(response, bad.slice(0, 10), bad.slice(10, 30), bad.slice(30));
    });
    const error = await captureError(runTool(tool, {}));
    expect(McpToolCallError.isInstance(error) && error.reason).toBe('protocol-error');
  });

  it('valid events, multi-line data and other event types reach the SDK unchanged', async () => {
    const tool = await server((response, id) => {
      const answer = result(id, 'héllo 🐛');
      // Between two members: a line break of multi-line data inside a JSON string is no JSON.
      const half = answer.indexOf('"result"');
      stream(
        response,
        'event: ping\ndata: {"not":"an answer"}\n\n',
        `id: 1\ndata: ${answer.slice(0, half)}`,
        `\ndata: ${answer.slice(half)}\n\n`,
      );
    });
    expect(await runTool(tool, {})).toEqual({ output: 'héllo 🐛' });
  });
});

// Attack (leftovers47): the same answers as a plain JSON body (`application/json`, a server that
// does not stream). The SDK's schema refused it at once, but the call failed as `failed` with the
// schema's raw issue list (cut at 500 characters), not the `protocol-error` naming what was wrong
// that the stdio and event-stream paths give.
describe('connectMcpHttp against a server whose JSON body answers a call with a message that is not JSON-RPC', {
  timeout: 60_000,
}, () => {
  const json = (response: ServerResponse, body: unknown) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  it.each([
    [
      'an error whose code is a string',
      (id: unknown) => JSON.parse(badError(id)),
      '"error.code" is not an integer',
    ],
    [
      'a result and an error',
      (id: unknown) => ({ jsonrpc: '2.0', id, result: {}, error: { code: 1, message: 'x' } }),
      'it has both a "result" and an "error"',
    ],
    [
      '"jsonrpc": "1.0"',
      (id: unknown) => ({ jsonrpc: '1.0', id, result: { content: [] } }),
      '"jsonrpc" is not "2.0"',
    ],
    [
      'a result whose _meta is a string',
      (id: unknown) => ({ jsonrpc: '2.0', id, result: { _meta: 'x' } }),
      'it does not match the JSON-RPC 2.0 schema',
    ],
    [
      'a batch of one such answer',
      (id: unknown) => [JSON.parse(badError(id))],
      '"error.code" is not an integer',
    ],
  ])(
    'fails the call at once as a protocol-error naming what was wrong (%s)',
    async (_label, answer, problem) => {
      const tool = await server((response, id) => json(response, answer(id)));
      const started = performance.now();
      const error = await captureError(runTool(tool, {}));
      expect(performance.now() - started).toBeLessThan(5000);
      expect(McpToolCallError.isInstance(error) && error.reason).toBe('protocol-error');
      expect((error as Error).message).toBe(
        `The MCP server "sloppy" answered the call to "read" with a message that is not a valid JSON-RPC response (${problem}); the call failed. The server does not follow JSON-RPC 2.0: fix the server.`,
      );
    },
  );

  it('a valid JSON answer reaches the SDK unchanged', async () => {
    const tool = await server((response, id) => json(response, JSON.parse(result(id, 'héllo 🐛'))));
    expect(await runTool(tool, {})).toEqual({ output: 'héllo 🐛' });
  });
});
