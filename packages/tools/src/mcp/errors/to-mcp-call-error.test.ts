import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { captureError, connectInMemory, runTool } from '../__fixtures__/mcp-test-helpers.ts';
import { createMcpTools } from '../tools/create-mcp-tools.ts';
import { MAX_MCP_ERROR_DETAIL_LENGTH, redactError } from './describe-error-chain.ts';
import { McpToolCallError } from './mcp-tool-call-error.ts';
import { toMcpCallError } from './to-mcp-call-error.ts';

// What a failed MCP tool call becomes for the model: the tool's own words for an `isError`
// result, and for the transport's failures a sentence naming the server and the tool, sorted by
// the MCP SDK's JSON-RPC codes (ErrorCode.ConnectionClosed -32000, RequestTimeout -32001).

const base = {
  server: 'server "files"',
  toolName: 'files__read',
  mcpToolName: 'read',
  toolCallId: 'call-1',
  timeoutMs: 30_000,
  redact: (text: string) => text.replaceAll('tok-123', '[redacted]'),
};
const rpcError = (code: number, message: string) => Object.assign(new Error(message), { code });

describe('toMcpCallError', () => {
  it('hands the model the tool’s own words for an isError result, and says so when there are none', () => {
    const said = toMcpCallError({
      ...base,
      error: undefined,
      isErrorText: 'No such file: a.txt',
      structuredContent: { path: 'a.txt' },
    });
    expect(said).toBeInstanceOf(McpToolCallError);
    expect(said).toMatchObject({
      reason: 'tool-error',
      message: 'No such file: a.txt',
      structuredContent: { path: 'a.txt' },
      toolName: 'files__read',
      mcpToolName: 'read',
      toolCallId: 'call-1',
      server: 'server "files"',
    });
    const silent = toMcpCallError({ ...base, error: undefined, isErrorText: '' });
    expect(silent.message).toBe('The MCP tool "read" failed without saying why.');
  });

  it('names a closed connection, by its code or by the SDK’s "Not connected"', () => {
    for (const error of [rpcError(-32000, 'Connection closed'), new Error('Not connected')]) {
      const closed = toMcpCallError({ ...base, error });
      expect(closed.reason).toBe('connection-closed');
      expect(closed.message).toContain('The connection to the MCP server "files" is closed');
    }
    expect(toMcpCallError({ ...base, error: rpcError(-32000, 'x') }).rpcCode).toBe(-32000);
    expect(toMcpCallError({ ...base, error: new Error('Not connected') }).rpcCode).toBeUndefined();
  });

  it('names a timeout with the time it allowed, or without one', () => {
    const timedOut = toMcpCallError({ ...base, error: rpcError(-32001, 'Request timed out') });
    expect(timedOut).toMatchObject({
      reason: 'timeout',
      rpcCode: -32001,
      message: 'The MCP tool "read" did not answer within 30000 ms.',
    });
    expect(
      toMcpCallError({ ...base, timeoutMs: undefined, error: rpcError(-32001, 'x') }).message,
    ).toBe('The MCP tool "read" did not answer in time.');
  });

  it('states a server’s JSON-RPC error code once, whatever the SDK prefixed', () => {
    const rejected = toMcpCallError({
      ...base,
      error: rpcError(-32602, 'MCP error -32602: MCP error -32602: Invalid params: path'),
    });
    expect(rejected).toMatchObject({
      reason: 'protocol-error',
      rpcCode: -32602,
      message:
        'The MCP server "files" rejected the call to "read" (JSON-RPC error -32602): Invalid params: path',
    });
  });

  it('says what else failed, with the causes', () => {
    const failed = toMcpCallError({
      ...base,
      error: new TypeError('fetch failed', { cause: new Error('socket hang up') }),
    });
    expect(failed).toMatchObject({
      reason: 'failed',
      message: 'Calling the MCP tool "read" failed: fetch failed: socket hang up',
    });
  });

  it('keeps a secret of the transport out of the message and out of the cause', () => {
    for (const error of [
      rpcError(-32000, 'closed for tok-123'),
      rpcError(-32001, 'timeout for tok-123'),
      rpcError(-32603, 'internal error for tok-123'),
      new Error('failed', { cause: new Error('401 for tok-123') }),
    ]) {
      const converted = toMcpCallError({ ...base, error });
      const everything = JSON.stringify({
        message: converted.message,
        cause: String((converted.cause as Error | undefined)?.message),
        nested: String(
          ((converted.cause as Error | undefined)?.cause as Error | undefined)?.message,
        ),
      });
      expect(everything).not.toContain('tok-123');
    }
  });
});

describe('toMcpCallError with a hostile server text', () => {
  const huge = 'x'.repeat(2_000_000);
  // What the model, a log line and an event see of the error.
  const seen = (error: McpToolCallError) =>
    JSON.stringify({ message: error.message, json: error.toJSON() });

  it.each([
    ['a protocol error', rpcError(-32603, `MCP error -32603: ${huge}`)],
    ['a closed connection', rpcError(-32000, huge)],
    ['a failure of the transport', new Error('fetch failed', { cause: new Error(huge) })],
  ])('cuts the text of %s, message and cause alike', (_case, error) => {
    const converted = toMcpCallError({ ...base, error });
    expect(converted.message.length).toBeLessThan(MAX_MCP_ERROR_DETAIL_LENGTH + 300);
    expect(seen(converted).length).toBeLessThan(4 * MAX_MCP_ERROR_DETAIL_LENGTH + 1_000);
    if (converted.reason !== 'connection-closed') {
      expect(converted.message).toMatch(/\[\.\.\. \d+ more characters cut\]$/);
    }
  });

  it('redacts a secret before cutting, so no first half of it survives the cut', () => {
    // The secret straddles the bound: cut first, its first part would pass the redactor.
    const secret = 'tok-123';
    const text = `${'a'.repeat(MAX_MCP_ERROR_DETAIL_LENGTH - 3)}${secret}${'b'.repeat(100)}`;
    const converted = toMcpCallError({
      ...base,
      redact: (value) => value.replaceAll(secret, '[redacted]'),
      error: rpcError(-32603, text),
    });
    expect(seen(converted)).not.toContain('tok');
    expect(converted.message).toContain('a[re [... ');
  });

  it('never cuts an emoji in half at the bound', () => {
    const text = `${'a'.repeat(MAX_MCP_ERROR_DETAIL_LENGTH - 1)}😀${'b'.repeat(50)}`;
    const converted = toMcpCallError({ ...base, error: rpcError(-32603, text) });
    // A lone high surrogate is no character: a strict JSON or UTF-8 reader refuses it.
    expect(converted.message).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(converted.message).toContain('a [... ');
  });

  it('keeps a short error as it is, and its cause the very object thrown', () => {
    const error = rpcError(-32602, 'Invalid params: path');
    const converted = toMcpCallError({ ...base, error });
    expect(converted.cause).toBe(error);
    expect(converted.message).not.toContain('more characters cut');
  });

  it('keeps the name and code on a cut cause', () => {
    const error = Object.assign(new TypeError(huge), { code: 'E_BIG' });
    const cut = redactError(error, (text) => text) as Error & { code?: unknown };
    expect(cut).not.toBe(error);
    expect(cut).toMatchObject({ name: 'TypeError', code: 'E_BIG' });
    expect(cut.message.length).toBeLessThan(MAX_MCP_ERROR_DETAIL_LENGTH + 100);
  });
});

describe('a real server answering a call with a megabyte JSON-RPC error', () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  it('reaches the model as a bounded protocol error that names the code once', async () => {
    const server = new Server({ name: 'noisy', version: '1.0.0' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [{ name: 'read', inputSchema: { type: 'object', properties: {} } }],
    }));
    server.setRequestHandler(CallToolRequestSchema, async () => {
      throw new McpError(-32603, `Internal error: ${'stack frame\n'.repeat(100_000)}`);
    });
    const { client } = await connectInMemory(server);
    closers.push(
      () => client.close(),
      () => server.close(),
    );
    const { tools } = await createMcpTools(client);
    const error = await captureError(runTool(tools[0]!, {}));
    expect(error).toBeInstanceOf(McpToolCallError);
    expect(error).toMatchObject({ reason: 'protocol-error', rpcCode: -32603 });
    const { message } = error as McpToolCallError;
    expect(
      message.startsWith(
        'The MCP server "noisy" rejected the call to "read" (JSON-RPC error -32603): Internal error: stack frame',
      ),
    ).toBe(true);
    expect(message.length).toBeLessThan(MAX_MCP_ERROR_DETAIL_LENGTH + 300);
    expect(message.match(/-32603/g)).toHaveLength(1);
  });
});
