import type { ServerResponse } from 'node:http';
import { ResponseTooLargeError } from '@gemloop/core/errors';
import { dripResponse, listenOnLoopback } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { captureError, runTool } from '../__fixtures__/mcp-test-helpers.ts';
import { McpServerError } from '../errors/mcp-server-error.ts';
import { McpToolCallError } from '../errors/mcp-tool-call-error.ts';
import { connectMcpHttp } from './connect-mcp-http.ts';

// The MCP client over streamable HTTP, tried from a hostile server's side (attack-doors11): the
// MCP SDK reads a JSON answer whole (`response.json()`) and an event stream through
// eventsource-parser without its `maxBufferSize`, so one endless event was buffered until memory
// ran out. Now a JSON body, or one event of a stream, past `maxResponseBytes` (16 MiB unless
// raised) fails the call with a typed error naming the server and the cap; a stream stays open
// for any number of events below it.

const MIB = 1024 * 1024;

type Answer = (response: ServerResponse, id: unknown, wrote: (bytes: number) => void) => void;

/** A minimal streamable HTTP MCP server on 127.0.0.1: one tool, `read`, answered by `answer`. */
async function hostile(answers: { call: Answer; list?: Answer }) {
  let written = 0;
  let closed = 0;
  const wrote = (bytes: number) => {
    written += bytes;
  };
  const server = await listenOnLoopback((request, response) => {
    response.on('close', () => {
      closed += 1;
    });
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
          serverInfo: { name: 'hostile', version: '1.0.0' },
        });
      } else if (message.method === 'tools/list') {
        if (answers.list !== undefined) answers.list(response, message.id, wrote);
        else json({ tools: [{ name: 'read', inputSchema: { type: 'object', properties: {} } }] });
      } else answers.call(response, message.id, wrote);
    });
  });
  onTestFinished(() => server.close());
  const url = `${server.url}/mcp`;
  return { url, written: () => written, closed: () => closed };
}

const FILLER = 'x'.repeat(64 * 1024);
const resultHead = (id: unknown) =>
  `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"content":[{"type":"text","text":"`;

/** A tool answer whose text is `bytes` of `x`, as JSON or as one event of a stream. */
const textAnswer =
  (bytes: number, as: 'json' | 'sse'): Answer =>
  (response, id, wrote) => {
    response.writeHead(200, {
      'content-type': as === 'json' ? 'application/json' : 'text/event-stream',
    });
    dripResponse(response, {
      onWrite: wrote,
      head: `${as === 'sse' ? 'data: ' : ''}${resultHead(id)}`,
      filler: FILLER,
      bytes,
      tail: `"}]}}${as === 'sse' ? '\n\n' : ''}`,
    });
  };

describe('connectMcpHttp and a server that answers without end', () => {
  it('a JSON answer of 40 MiB: McpToolCallError response-too-large naming the server and the cap', async () => {
    const remote = await hostile({ call: textAnswer(40 * MIB, 'json') });
    const mcp = await connectMcpHttp({ url: remote.url });
    onTestFinished(() => mcp.close());
    const error = await captureError(runTool(mcp.tools[0]!, {}));
    expect(McpToolCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'response-too-large', mcpToolName: 'read' });
    const { message } = error as Error;
    expect(message).toContain(new URL(remote.url).origin);
    expect(message).toContain(String(16 * MIB));
    expect(message).toContain('maxResponseBytes');
    expect(ResponseTooLargeError.isInstance((error as Error).cause)).toBe(true);
    await expect.poll(() => remote.closed()).toBeGreaterThan(2);
    expect(remote.written()).toBeLessThan(40 * MIB);
  });

  it('one event of 64 MiB on a stream: the call fails at once at the cap the user set', async () => {
    const remote = await hostile({ call: textAnswer(64 * MIB, 'sse') });
    const mcp = await connectMcpHttp({ url: remote.url, maxResponseBytes: MIB });
    onTestFinished(() => mcp.close());
    const error = await captureError(runTool(mcp.tools[0]!, {}));
    // Before: the SDK's parser buffered the whole event (and without end, until memory ran out).
    expect(error).toMatchObject({ reason: 'response-too-large', mcpToolName: 'read' });
    expect((error as Error).message).toContain(String(MIB));
    expect(remote.written()).toBeLessThan(64 * MIB);
  });

  it('answers below the cap come back whole: 6 MiB as JSON and as one event', async () => {
    for (const as of ['json', 'sse'] as const) {
      const remote = await hostile({ call: textAnswer(6 * MIB, as) });
      const mcp = await connectMcpHttp({ url: remote.url });
      onTestFinished(() => mcp.close());
      const output = JSON.stringify(await runTool(mcp.tools[0]!, {}));
      expect(output.length).toBeGreaterThanOrEqual(6 * MIB);
    }
  });

  it('many events, each below the cap, of one long call: none is refused', async () => {
    const progress = () =>
      `data: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'y'.repeat(256 * 1024) } })}\n\n`;
    const remote = await hostile({
      call: (response, id, wrote) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        dripResponse(response, {
          onWrite: wrote,
          head: '',
          filler: progress(),
          bytes: 8 * MIB,
          tail: `data: ${resultHead(id)}done"}]}}\n\n`,
        });
      },
    });
    const mcp = await connectMcpHttp({ url: remote.url, maxResponseBytes: MIB });
    onTestFinished(() => mcp.close());
    expect(JSON.stringify(await runTool(mcp.tools[0]!, {}))).toContain('done');
  });

  it('a tool list of 40 MiB: connecting fails with list-failed naming the cap', async () => {
    const remote = await hostile({
      call: textAnswer(1, 'json'),
      list: (response, id, wrote) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        dripResponse(response, {
          onWrite: wrote,
          head: `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"tools":[],"x":"`,
          filler: FILLER,
          bytes: 40 * MIB,
          tail: '"}}',
        });
      },
    });
    const error = await captureError(connectMcpHttp({ url: remote.url }));
    expect(McpServerError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(String(16 * MIB));
    expect(remote.written()).toBeLessThan(40 * MIB);
  });

  it("a stream of comments that never sends an event: the call's timeoutMs ends it", async () => {
    const remote = await hostile({
      call: (response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' }).write(': ping\n\n');
      },
    });
    const mcp = await connectMcpHttp({ url: remote.url, timeoutMs: 200 });
    onTestFinished(() => mcp.close());
    const error = await captureError(runTool(mcp.tools[0]!, {}));
    expect(error).toMatchObject({ reason: 'timeout' });
  });

  it('refuses a maxResponseBytes that is not a positive whole number', async () => {
    for (const maxResponseBytes of [0, -1, 1.5, '16' as never]) {
      await expect(
        connectMcpHttp({ url: 'http://127.0.0.1:9/mcp', maxResponseBytes }),
      ).rejects.toThrow(/maxResponseBytes/);
    }
  });
});
