import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { captureError, runTool } from '../__fixtures__/mcp-test-helpers.ts';
import { McpToolCallError } from '../errors/mcp-tool-call-error.ts';
import type { McpTool } from '../tools/create-mcp-tools.ts';
import { connectMcpStdio } from './connect-mcp-stdio.ts';
import type { McpConnection } from './mcp-connection.ts';

// Attack (attack43b): a stdio MCP server answers a call with a message of the call's id that is
// not JSON-RPC (an error whose code is a string, a result and an error at once, `"jsonrpc":
// "1.0"`). The SDK's schema refused the line and reported it to nobody, so the call waited for
// its whole time limit (60 s by default) and the model read that the tool "did not answer within
// 60000 ms": it had answered, wrongly. Now the answer fails the call at once, naming what was
// wrong with it, and the connection goes on.

const script = fileURLToPath(new URL('../__fixtures__/hostile-stdio-server.mjs', import.meta.url));

const connections: McpConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.close()));
});

async function connect(): Promise<McpConnection> {
  // A limit the test would notice: the old behaviour waited all of it.
  const connection = await connectMcpStdio({
    command: process.execPath,
    args: [script],
    timeoutMs: 20_000,
  });
  connections.push(connection);
  return connection;
}

const tool = (connection: McpConnection, name: string) =>
  connection.tools.find((each) => each.name === name) as McpTool;

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe('connectMcpStdio against a server answering a call with a message that is not JSON-RPC', {
  timeout: 60_000,
}, () => {
  it.each([
    [
      'an error whose code is a string and message an object',
      'bad-error',
      '"error.code" is not an integer',
    ],
    ['a result and an error at once', 'result-and-error', 'both a "result" and an "error"'],
    ['"jsonrpc": "1.0"', 'bad-version', '"jsonrpc" is not "2.0"'],
  ])('%s fails the call at once, saying so', async (_label, name, named) => {
    const connection = await connect();
    const started = performance.now();
    const error = await captureError(runTool(tool(connection, name), {}));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(McpToolCallError.isInstance(error) && error.reason).toBe('protocol-error');
    const { message } = error as Error;
    expect(message).toContain('hostile-stdio');
    expect(message).toContain('not a valid JSON-RPC response');
    expect(message).toContain(named);
    expect(message).not.toMatch(CONTROL);
    expect(message.length).toBeLessThan(1000);
    // The connection goes on: the next call is answered.
    expect(connection.isClosed()).toBe(false);
    expect(await runTool(tool(connection, 'echo'), {})).toEqual({ output: 'small' });
  });

  it('another call in flight is not failed by it', async () => {
    const connection = await connect();
    const slow = runTool(tool(connection, 'slow-echo'), {});
    await captureError(runTool(tool(connection, 'bad-error'), {}));
    expect(await slow).toEqual({ output: 'slow' });
  });
});
