import { createAgent, createGemini } from '@gemloop/core';
import { AgentClosedError } from '@gemloop/core/errors';
import type { FakeGemini } from '@gemloop/testing';
import { createFakeGemini, turn } from '@gemloop/testing';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { captureError, connectInMemory, runTool } from '../__fixtures__/mcp-test-helpers.ts';
import { McpToolCallError } from '../errors/mcp-tool-call-error.ts';
import { createMcpTools } from './create-mcp-tools.ts';

// Closing the agent closes the connection of its MCP tools (issue 5): a real SDK server over
// in-memory transports, driven by an agent on the fake Gemini server over HTTP on 127.0.0.1.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function startServer() {
  const server = new McpServer({ name: 'greeter', version: '1.0.0' });
  const calls: string[] = [];
  server.registerTool(
    'greet',
    { description: 'Greets someone.', inputSchema: { name: z.string() } },
    async ({ name }) => {
      calls.push(name);
      return { content: [{ type: 'text', text: `Hello, ${name}!` }] };
    },
  );
  server.registerTool('wave', { description: 'Waves.', inputSchema: {} }, async () => ({
    content: [{ type: 'text', text: 'waved' }],
  }));
  let serverClosed = false;
  server.server.onclose = () => {
    serverClosed = true;
  };
  const { client } = await connectInMemory(server);
  return { client, calls, isServerClosed: () => serverClosed };
}

describe('agent.close with MCP tools', () => {
  it('closes the MCP connection once, after a run used it, and the agent runs nothing more', async () => {
    const { client, calls, isServerClosed } = await startServer();
    const clientClose = vi.spyOn(client, 'close');
    const { tools } = await createMcpTools(client, { closeClient: true });
    expect(tools.map((tool) => tool.name)).toEqual(['greet', 'wave']);

    const fake = createFakeGemini({
      script: [turn.call('greet', { name: 'Ada' }), turn.text('I greeted Ada.')],
      seed: 7,
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: 'gemini-3-flash-preview',
      tools,
    });
    const result = await agent.run('Say hello to Ada.');
    expect(result.text).toBe('I greeted Ada.');
    expect(calls).toEqual(['Ada']);

    await agent.close();
    expect(clientClose).toHaveBeenCalledOnce();
    expect(isServerClosed()).toBe(true);

    // The tools' connection is gone: a direct call says so, and the agent refuses to run.
    const error = (await captureError(
      runTool(tools[0] as (typeof tools)[0], { name: 'Bo' }),
    )) as McpToolCallError;
    expect(McpToolCallError.isInstance(error)).toBe(true);
    expect(error.reason).toBe('connection-closed');
    await expect(agent.run('Again')).rejects.toSatisfy(AgentClosedError.isInstance);
    expect(calls).toEqual(['Ada']);

    await agent.close();
    expect(clientClose).toHaveBeenCalledOnce();
  });

  it('leaves a client it did not open alone (closeClient off)', async () => {
    const { client, isServerClosed } = await startServer();
    const clientClose = vi.spyOn(client, 'close');
    const { tools } = await createMcpTools(client);
    const agent = createAgent({
      gemini: createGemini({ apiKey: 'test-key' }),
      model: 'gemini-3-flash-preview',
      tools,
    });
    await agent.close();
    expect(clientClose).not.toHaveBeenCalled();
    expect(isServerClosed()).toBe(false);
    await client.close();
  });
});
