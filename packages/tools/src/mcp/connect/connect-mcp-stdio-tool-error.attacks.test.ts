import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { captureError, runTool } from '../__fixtures__/mcp-test-helpers.ts';
import { McpToolCallError } from '../errors/mcp-tool-call-error.ts';
import { MAX_MCP_TOOL_ERROR_TEXT_LENGTH } from '../errors/to-mcp-call-error.ts';
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

  // Attack (leftovers47): the same failure told in `structuredContent` (no text). The message was
  // bounded through the JSON of it, but the object itself rode on the error as it came: the token
  // and 5 MiB in its `toJSON`, so in every log line of the error.
  it('carries its structuredContent redacted and bounded, the message too', async () => {
    const connection = await connectMcpStdio({
      command: process.execPath,
      args: [script],
      env: { API_TOKEN: TOKEN, HOSTILE_MIB: '5' },
    });
    connections.push(connection);
    const tool = connection.tools.find((each) => each.name === 'fail-structured') as McpTool;
    const error = (await captureError(runTool(tool, {}))) as McpToolCallError;
    expect(McpToolCallError.isInstance(error) && error.reason).toBe('tool-error');
    expect(error.message.startsWith('{"detail":"upstream refused token [redacted]"')).toBe(true);
    expect(error.message.length).toBeLessThan(20_000);
    // Checked as booleans: a failing match would print the 5 MiB.
    const kept = JSON.stringify(error.structuredContent);
    expect(kept.includes(TOKEN)).toBe(false);
    expect(kept.length).toBeLessThan(MAX_MCP_TOOL_ERROR_TEXT_LENGTH + 200);
    // Cut JSON is no object: it is kept as the text it is, under a key that says so.
    const cut = error.structuredContent?.['gemloopCut'];
    expect(
      typeof cut === 'string' && cut.startsWith('{"detail":"upstream refused token [redacted]"'),
    ).toBe(true);
    expect(typeof cut === 'string' && /more characters cut\]$/.test(cut)).toBe(true);
    const json = JSON.stringify(error.toJSON());
    expect(json.includes(TOKEN)).toBe(false);
    expect(json.length).toBeLessThan(50_000);
  });
});
