import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createRecordingLogger, runTool } from '../__fixtures__/mcp-test-helpers.ts';
import type { McpTool } from '../tools/create-mcp-tools.ts';
import { connectMcpStdio } from './connect-mcp-stdio.ts';
import type { McpConnection } from './mcp-connection.ts';

// Attack (attack43b): a stdio server prints a log line to stdout (a common bug: stdout is the
// protocol's), coloured and quoting its token. The MCP SDK drops the line and reports it to its
// `onerror`, which gemloop never set: nothing said why a server's answers went missing. Now each
// message the SDK drops is logged at `debug`, plain, redacted and bounded.

const script = fileURLToPath(new URL('../__fixtures__/hostile-stdio-server.mjs', import.meta.url));
const TOKEN = 'tok-attack43b-0123456789abcdef';

const connections: McpConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.close()));
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe('connectMcpStdio with a server printing to stdout', { timeout: 60_000 }, () => {
  it('logs the dropped line at debug, plain and without the token; the call is answered', async () => {
    const { logger, lines } = createRecordingLogger();
    const connection = await connectMcpStdio({
      command: process.execPath,
      args: [script],
      env: { API_TOKEN: TOKEN },
      logger,
    });
    connections.push(connection);
    const tool = connection.tools.find((each) => each.name === 'chatty') as McpTool;
    expect(await runTool(tool, {})).toEqual({ output: 'small' });
    const dropped = lines.filter(({ message }) => message === 'mcp message dropped');
    expect(dropped).toHaveLength(1);
    expect(dropped[0]?.level).toBe('debug');
    const shown = JSON.stringify(dropped[0]?.fields);
    expect(shown).toContain('(stdio)');
    expect(shown).toMatch(/JSON/);
    expect(shown).not.toContain(TOKEN);
    expect(String(dropped[0]?.fields['error'])).not.toMatch(CONTROL);
    expect(shown.length).toBeLessThan(1500);
  });
});
