import { fileURLToPath } from 'node:url';
import { createGemini } from '@gemloop/core';
import { createFakeGemini } from '@gemloop/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { askAboutAnOrder } from './ask-with-mcp.ts';
import { serveOnNode } from './serve-mcp.ts';
import { createSupportMcp } from './support-mcp.ts';
import { supportScript } from './support-script.ts';

// The guide's code (docs/serving-mcp.md) run against the fake Gemini.

const TOKEN = 'mcp-docs-alice-0123456789';

describe('serving an agent over MCP (the guide)', () => {
  it('answers the MCP client over Streamable HTTP: progress, then a second turn in the session', async () => {
    const fake = createFakeGemini({ script: supportScript });
    const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
    const { agent, door } = createSupportMcp({
      gemini,
      model: 'gemini-2.5-flash',
      tokens: { alice: TOKEN },
    });
    const { server, url } = await serveOnNode(door, 0);
    onTestFinished(async () => {
      await door.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await agent.close();
    });
    expect(await askAboutAnOrder(url, TOKEN)).toEqual({
      tools: ['ask_support', 'lookup_order'],
      first: 'Order A-7 has shipped.',
      progress: ['step 1', 'calling lookup_order', 'lookup_order done', 'step 2'],
      next: 'It arrives on Thursday.',
    });
  });

  it('serves Claude Desktop and the like on stdio: the config starts the process, the SDK talks to it', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--conditions=@gemloop/source', '--import', 'tsx', 'mcp-door/stdio-server.ts'],
      cwd: fileURLToPath(new URL('../../../', import.meta.url)),
      env: { PATH: process.env['PATH'] ?? '' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'desktop', version: '1.0.0' });
    // Closing the client ends the child process (the SDK closes its stdin, then signals it).
    onTestFinished(() => client.close());
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['ask_support', 'lookup_order']);
    const result = await client.callTool({
      name: 'ask_support',
      arguments: { message: 'Where is order A-7?' },
    });
    expect(result.content).toEqual([{ type: 'text', text: 'Order A-7 has shipped.' }]);
  });
});
