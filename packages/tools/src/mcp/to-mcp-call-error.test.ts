import { describe, expect, it } from 'vitest';
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
