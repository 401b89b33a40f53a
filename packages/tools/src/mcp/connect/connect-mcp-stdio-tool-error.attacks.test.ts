import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { captureError, runTool } from '../__fixtures__/mcp-test-helpers.ts';
import { McpToolCallError } from '../errors/mcp-tool-call-error.ts';
import type { McpTool } from '../tools/create-mcp-tools.ts';
import { connectMcpStdio } from './connect-mcp-stdio.ts';
import type { McpConnection } from './mcp-connection.ts';

// Attack (attack43b): a tool fails (`isError`) with a text quoting the token its server was given
// in `env`, then 5 MiB more. Every other server text an McpToolCallError carries is redacted and
// cut (a JSON-RPC error, a transport failure), but a failed tool's own text became the message
// whole: the token and the megabytes went into the error, its `toJSON`, and every log of it.

const script = fileURLToPath(new URL('../__fixtures__/hostile-stdio-server.mjs', import.meta.url));
const TOKEN = 'tok-attack43b-0123456789abcdef';

const connections: McpConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.close()));
});

describe("connectMcpStdio with a failing tool's loud text", { timeout: 60_000 }, () => {
  it('is the message, with the token redacted and cut to a bound, said at its end', async () => {
    const connection = await connectMcpStdio({
      command: process.execPath,
      args: [script],
      env: { API_TOKEN: TOKEN, HOSTILE_MIB: '5' },
    });
    connections.push(connection);
    const tool = connection.tools.find((each) => each.name === 'fail-loud') as McpTool;
    const error = await captureError(runTool(tool, {}));
    expect(McpToolCallError.isInstance(error) && error.reason).toBe('tool-error');
    const { message } = error as McpToolCallError;
    expect(message.startsWith('upstream refused token [redacted]: zzz')).toBe(true);
    expect(message.length).toBeLessThan(20_000);
    expect(message).toMatch(/more characters cut\]$/);
    const json = JSON.stringify((error as McpToolCallError).toJSON());
    expect(json).not.toContain(TOKEN);
    expect(json.length).toBeLessThan(50_000);
  });
});
