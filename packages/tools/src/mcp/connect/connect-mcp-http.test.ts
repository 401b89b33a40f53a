import { randomUUID } from 'node:crypto';
import { InvalidArgumentError } from '@gemloop/core';
import { listenOnLoopback } from '@gemloop/testing';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { captureError, createRecordingLogger, runTool } from '../__fixtures__/mcp-test-helpers.ts';
import { McpServerError } from '../errors/mcp-server-error.ts';
import { connectMcpHttp } from './connect-mcp-http.ts';
import type { McpConnection } from './mcp-connection.ts';

const token = 'Bearer tok_live_5c1f00d2e9';

type Received = {
  method: string | undefined;
  authorization: string | undefined;
  session: string | undefined;
};

/**
 * A real streamable HTTP MCP server on 127.0.0.1 (one session), which answers 401 unless the
 * `authorization` header is right, and records every request.
 */
async function startHttpServer(): Promise<{
  url: string;
  received: Received[];
  close: () => Promise<void>;
}> {
  const mcp = new McpServer({ name: 'http-fixture', version: '3.1.0' });
  mcp.registerTool(
    'add',
    {
      description: 'Adds two numbers.',
      inputSchema: { a: z.number(), b: z.number() },
      outputSchema: { sum: z.number() },
    },
    async ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
      structuredContent: { sum: a + b },
    }),
  );
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID() });
  await mcp.connect(transport);
  const received: Received[] = [];
  const server = await listenOnLoopback((request, response) => {
    const authorization = request.headers.authorization;
    const session = request.headers['mcp-session-id'];
    received.push({
      method: request.method,
      authorization,
      session: typeof session === 'string' ? session : undefined,
    });
    if (authorization !== token) {
      response
        .writeHead(401, { 'content-type': 'text/plain' })
        .end(`invalid credentials: ${authorization}`);
      return;
    }
    void transport.handleRequest(request, response);
  });
  return {
    url: `${server.url}/mcp`,
    received,
    close: async () => {
      await server.close();
      await mcp.close();
    },
  };
}

let http: Awaited<ReturnType<typeof startHttpServer>>;
const connections: McpConnection[] = [];
beforeEach(async () => {
  http = await startHttpServer();
});
afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.close()));
  await http.close();
});

describe('connectMcpHttp', () => {
  it('connects with the headers, lists and calls the tools', async () => {
    const connection = await connectMcpHttp({ url: http.url, headers: { authorization: token } });
    connections.push(connection);
    expect(connection.serverInfo).toEqual({ name: 'http-fixture', version: '3.1.0' });
    expect(connection.tools.map((tool) => tool.name)).toEqual(['add']);
    const [add] = connection.tools;
    expect(await runTool(add as NonNullable<typeof add>, { a: 2, b: 3 })).toEqual({ sum: 5 });
    expect(http.received.every((request) => request.authorization === token)).toBe(true);
  });

  it('ends the HTTP session on close (DELETE), once', async () => {
    const connection = await connectMcpHttp({
      url: new URL(http.url),
      headers: { authorization: token },
    });
    const session = http.received.find((request) => request.session !== undefined)?.session;
    expect(session).toBeDefined();
    await Promise.all([connection.close(), connection.tools[0]?.close?.(), connection.close()]);
    const deletes = http.received.filter((request) => request.method === 'DELETE');
    expect(deletes).toEqual([{ method: 'DELETE', authorization: token, session }]);
    expect(connection.isClosed()).toBe(true);
  });

  it('reports a 401 with the status and keeps the credentials out of the error and the logs', async () => {
    const wrong = 'Bearer tok_wrong_8a7b6c5d4e';
    const { logger, lines } = createRecordingLogger();
    const error = (await captureError(
      connectMcpHttp({ url: http.url, headers: { authorization: wrong }, logger }),
    )) as McpServerError;
    expect(McpServerError.isInstance(error)).toBe(true);
    expect(error.reason).toBe('connect-failed');
    expect(error.status).toBe(401);
    expect(error.message).toBe(
      `The MCP server at ${http.url} answered HTTP 401: check the credentials in \`headers\`.`,
    );
    // The server echoed the header in its body; it must not come back through the cause either.
    const serialized = JSON.stringify(error);
    expect(serialized).toContain('[redacted]');
    expect(serialized).not.toContain('tok_wrong_8a7b6c5d4e');
    expect(JSON.stringify(lines)).not.toContain('tok_wrong_8a7b6c5d4e');
  });

  it('does not follow a redirect, so the headers never reach the other host', async () => {
    const elsewhere: (string | undefined)[] = [];
    await using other = await listenOnLoopback((request, response) => {
      elsewhere.push(request.headers.authorization);
      response.writeHead(404).end();
    });
    const otherUrl = `${other.url}/mcp`;
    await using redirecting = await listenOnLoopback((_request, response) => {
      response.writeHead(307, { location: `${otherUrl}?token=secret_in_query` }).end();
    });
    const redirectingUrl = `${redirecting.url}/mcp`;
    const error = (await captureError(
      connectMcpHttp({ url: redirectingUrl, headers: { authorization: token } }),
    )) as McpServerError;
    expect(McpServerError.isInstance(error)).toBe(true);
    expect(error.reason).toBe('connect-failed');
    const text = `${error.message} ${JSON.stringify(error)}`;
    expect(text).toContain(`a redirect to ${otherUrl}`);
    expect(text).not.toContain('secret_in_query');
    expect(text).not.toContain('tok_live_5c1f00d2e9');
    expect(elsewhere).toEqual([]);
  });

  it('keeps a key in the URL path (hosted servers put one there) out of errors and logs', async () => {
    const key = 'sk-live-9f8e7d6c5b4a3f2e';
    await using notFound = await listenOnLoopback((_request, response) => {
      response.writeHead(404).end(`no server at /s/${key}/mcp`);
    });
    const origin = notFound.url;
    const { logger, lines } = createRecordingLogger();
    const error = (await captureError(
      connectMcpHttp({ url: `${origin}/s/${encodeURIComponent(key)}/mcp`, logger }),
    )) as McpServerError;
    expect(error.reason).toBe('connect-failed');
    expect(error.message).toBe(
      `The MCP server at ${origin}/s/[redacted]/mcp answered HTTP 404: check the URL (streamable HTTP servers usually serve /mcp).`,
    );
    expect(JSON.stringify(error)).not.toContain(key);
    expect(JSON.stringify(lines)).not.toContain(key);
  });

  it('says when nothing listens at the address', async () => {
    const url = http.url;
    await http.close();
    const error = (await captureError(
      connectMcpHttp({ url: `${url}?key=querysecret123`, headers: { authorization: token } }),
    )) as McpServerError;
    expect(error.reason).toBe('connect-failed');
    expect(error.message).toContain(`Could not reach the MCP server at ${url} (ECONNREFUSED)`);
    expect(JSON.stringify(error)).not.toContain('querysecret123');
    http = await startHttpServer();
  });

  it('rejects an invalid URL without quoting it', async () => {
    const error = await captureError(connectMcpHttp({ url: 'not a url with secret-abc' }));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).not.toContain('secret-abc');
    const ftp = await captureError(connectMcpHttp({ url: 'ftp://example.com/mcp' }));
    expect((ftp as InvalidArgumentError).argument).toBe('url');
  });
});
