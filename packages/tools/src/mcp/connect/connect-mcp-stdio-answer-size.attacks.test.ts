import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@gemloop/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureError, runTool } from '../__fixtures__/mcp-test-helpers.ts';
import { McpServerError } from '../errors/mcp-server-error.ts';
import { McpToolCallError } from '../errors/mcp-tool-call-error.ts';
import type { McpTool } from '../tools/create-mcp-tools.ts';
import { connectMcpStdio } from './connect-mcp-stdio.ts';
import type { McpConnection } from './mcp-connection.ts';

// The MCP client over stdio, tried from a hostile server's side (attack12): the SDK reads the
// child's stdout into one buffer until a newline comes. A server writing a line that never ends,
// or one huge answer, must end the call with a typed error naming the server and the cap
// (`maxResponseBytes`, as `connectMcpHttp` takes it), the process ended, nothing held.

const script = fileURLToPath(new URL('../__fixtures__/hostile-stdio-server.mjs', import.meta.url));
const MIB = 1024 * 1024;

const connections: McpConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.close()));
});

async function connect(
  options: Partial<Parameters<typeof connectMcpStdio>[0]> = {},
): Promise<McpConnection> {
  const connection = await connectMcpStdio({
    command: process.execPath,
    args: [script],
    // Each call's own limit, far beyond what the cap needs: a call that only a time limit ends
    // would fail the test by this message, not by the cap's.
    timeoutMs: 120_000,
    ...options,
  });
  connections.push(connection);
  return connection;
}

const tool = (connection: McpConnection, name: string) =>
  connection.tools.find((each) => each.name === name) as McpTool;

describe('connectMcpStdio against a hostile server', { timeout: 180_000 }, () => {
  it('a tool answering one line that never ends fails with response-too-large at the cap, and the connection ends', async () => {
    const connection = await connect({ maxResponseBytes: 2 * MIB });
    const error = await captureError(runTool(tool(connection, 'flood'), {}));
    expect(McpToolCallError.isInstance(error) && error.reason).toBe('response-too-large');
    const message = (error as Error).message;
    expect(message).toContain(`more than ${2 * MIB} bytes`);
    expect(message).toContain('hostile-stdio');
    expect(message).toMatch(/maxResponseBytes/);
    await expect.poll(() => connection.isClosed(), { timeout: 60_000 }).toBe(true);
  });

  it('a tool answering one 24 MiB line fails with response-too-large under the 16 MiB default', async () => {
    const connection = await connect();
    const error = await captureError(runTool(tool(connection, 'huge'), {}));
    expect(McpToolCallError.isInstance(error) && error.reason).toBe('response-too-large');
    expect((error as Error).message).toContain(`more than ${16 * MIB} bytes`);
  });

  it('an answer below the cap is read whole, and the small calls go on', async () => {
    const connection = await connect({ env: { HOSTILE_MIB: '3' }, maxResponseBytes: 8 * MIB });
    const result = (await runTool(tool(connection, 'huge'), {})) as { output: string };
    expect(result.output.length).toBe(3 * MIB);
    expect(await runTool(tool(connection, 'echo'), {})).toEqual({ output: 'small' });
  });

  // test-speed17: the SDK's stdio reader joined its whole buffer with each 64 KiB read, so one
  // line cost the client quadratic copying (~2 GiB for 16 MiB; the 24 MiB test above took 13.9 s
  // of CPU). Counted, not timed: what `Buffer.concat` returns in this process while the line comes.
  it('a 4 MiB answer is copied once on its way in, not once per pipe read', async () => {
    const connection = await connect({ env: { HOSTILE_MIB: '4' }, maxResponseBytes: 8 * MIB });
    const concat = Buffer.concat;
    let joined = 0;
    const spy = vi.spyOn(Buffer, 'concat').mockImplementation((list, totalLength) => {
      const result = concat(list, totalLength);
      joined += result.length;
      return result;
    });
    let result: { output: string };
    try {
      result = (await runTool(tool(connection, 'huge'), {})) as { output: string };
    } finally {
      spy.mockRestore();
    }
    expect(result.output.length).toBe(4 * MIB);
    // The line is ~4 MiB of JSON; read 64 KiB at a time and joined with each read, it was ~130 MiB.
    // At least the line once: the count sees the reader at all.
    expect(joined).toBeGreaterThanOrEqual(4 * MIB);
    expect(joined).toBeLessThan(5 * MIB);
  });

  it('a tools/list that never ends fails the connection with McpServerError naming the cap', async () => {
    const error = await captureError(
      connect({ env: { HOSTILE_LIST: 'flood' }, maxResponseBytes: MIB }),
    );
    expect(McpServerError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`more than ${MIB} bytes`);
  });

  it.each([0, -1, 1.5, Number.NaN, '16777216', null])(
    'maxResponseBytes %s is refused before the process starts',
    async (value) => {
      const error = await captureError(connect({ maxResponseBytes: value as number }));
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/maxResponseBytes/);
    },
  );

  it('a server that names itself after the token in its env: the token is in no error', async () => {
    const token = 'tok-attack12-0123456789abcdef';
    const connection = await connect({
      env: { HOSTILE_NAME_LEAK: '1', API_TOKEN: token },
      maxResponseBytes: MIB,
    });
    const error = await captureError(runTool(tool(connection, 'flood'), {}));
    expect(McpToolCallError.isInstance(error) && error.reason).toBe('response-too-large');
    expect(JSON.stringify({ message: (error as Error).message, error })).not.toContain(token);
    expect(connection.server).not.toContain(token);
  });

  it('a server whose name is 1 MB of terminal escapes and line breaks: errors stay short and plain', async () => {
    const connection = await connect({ env: { HOSTILE_NAME_HUGE: '1' }, maxResponseBytes: MIB });
    const error = await captureError(runTool(tool(connection, 'flood'), {}));
    const message = (error as Error).message;
    expect(message.length).toBeLessThan(2_000);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
    expect(message).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(connection.server.length).toBeLessThan(200);
  });

  it("the same server's elicitation: the handler (a page, a terminal) is shown its name without the token", async () => {
    const token = 'tok-attack12-0123456789abcdef';
    const shown: string[] = [];
    const connection = await connect({
      env: { HOSTILE_NAME_LEAK: '1', API_TOKEN: token },
      elicitation: (request) => {
        shown.push(request.server);
        return { action: 'decline' };
      },
    });
    expect(await runTool(tool(connection, 'ask'), {})).toEqual({ output: 'decline' });
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(/^server "hostile/);
    expect(shown[0]).not.toContain(token);
  });
});
