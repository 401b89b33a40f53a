import { isToolResultWithParts } from '@gemloop/core/tools';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  captureError,
  connectInMemory,
  createRecordingLogger,
  runTool,
} from '../__fixtures__/mcp-test-helpers.ts';
import { McpToolCallError } from '../errors/mcp-tool-call-error.ts';
import type { McpTool } from './create-mcp-tools.ts';
import { createMcpTools, DEFAULT_MCP_TIMEOUT_MS } from './create-mcp-tools.ts';

// A 1×1 transparent PNG.
const png =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

type Harness = {
  client: Client;
  serverTransport: InMemoryTransport;
  tools: Map<string, McpTool>;
  slowCalls: { aborted: boolean }[];
  slowStarted: Promise<void>;
};

/** A real SDK `McpServer` with zod tools, connected in-process, and its gemloop tools. */
async function startServer(): Promise<Harness> {
  const server = new McpServer({ name: 'kitchen-sink', version: '2.0.0' });
  const slowCalls: { aborted: boolean }[] = [];
  let markSlowStarted: () => void = () => {};
  const slowStarted = new Promise<void>((resolve) => {
    markSlowStarted = resolve;
  });

  server.registerTool(
    'greet',
    { description: 'Greets someone twice.', inputSchema: { name: z.string() } },
    async ({ name }) => ({
      content: [
        { type: 'text', text: `Hello, ${name}!` },
        { type: 'text', text: 'Nice to meet you.' },
      ],
    }),
  );
  server.registerTool(
    'get_weather',
    {
      description: 'Current weather.',
      inputSchema: { city: z.string() },
      outputSchema: { city: z.string(), temperature: z.number(), unit: z.enum(['c', 'f']) },
    },
    async ({ city }) => {
      const structuredContent = { city, temperature: 21.5, unit: 'c' as const };
      return {
        content: [{ type: 'text', text: JSON.stringify(structuredContent) }],
        structuredContent,
      };
    },
  );
  server.registerTool('screenshot', { description: 'Takes a screenshot.' }, async () => ({
    content: [
      { type: 'text', text: 'Screenshot of the home page.' },
      { type: 'image', data: png, mimeType: 'image/png' },
      { type: 'image', data: 'R0lGODlhAQABAAAAACw=', mimeType: 'image/gif' },
    ],
  }));
  server.registerTool('media_mix', { description: 'Audio and resources.' }, async () => ({
    content: [
      { type: 'audio', data: 'UklGRiQAAABXQVZF', mimeType: 'audio/wav' },
      {
        type: 'resource',
        resource: {
          uri: 'file:///notes.md',
          mimeType: 'text/markdown',
          text: '# Notes\nBuy milk.',
        },
      },
      {
        type: 'resource',
        resource: { uri: 'file:///report.pdf', mimeType: 'application/pdf', blob: 'JVBERi0xLjQK' },
      },
      {
        type: 'resource_link',
        uri: 'file:///big.csv',
        name: 'big.csv',
        mimeType: 'text/csv',
        description: 'All orders',
      },
    ],
  }));
  server.registerTool('fail', { description: 'Always fails.' }, async () => ({
    content: [{ type: 'text', text: 'Repository "acme/app" not found.' }],
    isError: true,
  }));
  server.registerTool('throws', { description: 'Throws.' }, async () => {
    throw new Error('database is down');
  });
  server.registerTool(
    'slow',
    { description: 'Waits until cancelled.', inputSchema: { ms: z.number() } },
    async ({ ms }, extra) => {
      const call = { aborted: false };
      slowCalls.push(call);
      markSlowStarted();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        extra.signal.addEventListener('abort', () => {
          call.aborted = true;
          clearTimeout(timer);
          resolve();
        });
      });
      return { content: [{ type: 'text', text: 'finished' }] };
    },
  );

  const { client, serverTransport } = await connectInMemory(server);
  const { tools } = await createMcpTools(client, { closeClient: true });
  return {
    client,
    serverTransport,
    tools: new Map(tools.map((tool) => [tool.name, tool])),
    slowCalls,
    slowStarted,
  };
}

let harness: Harness;
beforeEach(async () => {
  harness = await startServer();
});
afterEach(async () => {
  await harness.client.close();
});

function tool(name: string): McpTool {
  const found = harness.tools.get(name);
  if (found === undefined) throw new Error(`no tool ${name}`);
  return found;
}

describe('createMcpTools calls', () => {
  it('joins several text blocks into { output } with newlines', async () => {
    expect(await runTool(tool('greet'), { name: 'Ada' })).toEqual({
      output: 'Hello, Ada!\nNice to meet you.',
    });
  });

  it('uses structuredContent as the whole response, without repeating its text form', async () => {
    expect(await runTool(tool('get_weather'), { city: 'Oslo' })).toEqual({
      city: 'Oslo',
      temperature: 21.5,
      unit: 'c',
    });
  });

  it('sends images as functionResponse parts and describes media Gemini would refuse', async () => {
    const result = await runTool(tool('screenshot'), {});
    expect(isToolResultWithParts(result)).toBe(true);
    expect(result).toEqual({
      kind: 'tool-result',
      response: {
        output:
          'Screenshot of the home page.\n[image (image/gif, 14 bytes) left out: Gemini does not accept image/gif in a function response]',
      },
      parts: [{ inlineData: { mimeType: 'image/png', data: png } }],
    });
  });

  it('maps audio, embedded resources and resource links', async () => {
    expect(await runTool(tool('media_mix'), {})).toEqual({
      kind: 'tool-result',
      response: {
        output: [
          '[audio (audio/wav, 12 bytes) left out: Gemini does not accept audio/wav in a function response]',
          'Resource file:///notes.md:\n# Notes\nBuy milk.',
          'Resource link: big.csv <file:///big.csv> (text/csv): All orders',
        ].join('\n'),
      },
      parts: [{ inlineData: { mimeType: 'application/pdf', data: 'JVBERi0xLjQK' } }],
    });
  });

  it('throws the text of an isError result as a tool-error the loop reports to the model', async () => {
    const error = (await captureError(
      runTool(tool('fail'), {}, { toolCallId: 'c9' }),
    )) as McpToolCallError;
    expect(McpToolCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      reason: 'tool-error',
      message: 'Repository "acme/app" not found.',
      toolName: 'fail',
      mcpToolName: 'fail',
      toolCallId: 'c9',
      server: 'server "kitchen-sink"',
    });
  });

  it('reports a handler that throws (the server turns it into isError) with its message', async () => {
    const error = (await captureError(runTool(tool('throws'), {}))) as McpToolCallError;
    expect(error.reason).toBe('tool-error');
    expect(error.message).toBe('database is down');
  });

  it('aborts a long call with the agent signal: the server sees the cancellation, the tool rejects with the reason', async () => {
    const controller = new AbortController();
    const call = runTool(tool('slow'), { ms: 60_000 }, { signal: controller.signal });
    await harness.slowStarted;
    const reason = new Error('tool time limit');
    controller.abort(reason);
    expect(await captureError(call)).toBe(reason);
    await vi.waitFor(() => expect(harness.slowCalls[0]?.aborted).toBe(true), { timeout: 60_000 });
  });

  it('ends a call with the SDK time limit when timeoutMs is set', async () => {
    const [slow] = (
      await createMcpTools(harness.client, { timeoutMs: 50, filter: (t) => t.name === 'slow' })
    ).tools;
    expect(slow?.timeoutMs).toBe(50);
    const error = (await captureError(
      runTool(slow as McpTool, { ms: 60_000 }),
    )) as McpToolCallError;
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe('The MCP tool "slow" did not answer within 50 ms.');
  });

  // Issue 10: without timeoutMs an MCP call had no limit at all (the SDK's 60 s was lifted and
  // the agent has no default toolTimeoutMs), so a server that never answers hung the run.
  it('bounds every call by DEFAULT_MCP_TIMEOUT_MS when timeoutMs is not given', async () => {
    expect(DEFAULT_MCP_TIMEOUT_MS).toBe(60_000);
    const callTool = vi.spyOn(harness.client, 'callTool');
    expect(tool('greet').timeoutMs).toBe(DEFAULT_MCP_TIMEOUT_MS);
    await runTool(tool('greet'), { name: 'Ada' });
    expect(callTool.mock.calls[0]?.[2]).toMatchObject({ timeout: DEFAULT_MCP_TIMEOUT_MS });
  });

  it.each<number | false>([false, Number.POSITIVE_INFINITY])(
    'lifts the time limit with timeoutMs %s, leaving calls to the agent',
    async (timeoutMs) => {
      const [greet] = (
        await createMcpTools(harness.client, { timeoutMs, filter: (t) => t.name === 'greet' })
      ).tools;
      expect(greet?.timeoutMs).toBeUndefined();
      const callTool = vi.spyOn(harness.client, 'callTool');
      await runTool(greet as McpTool, { name: 'Ada' });
      // The SDK's 60 s default is lifted too (setTimeout's largest delay).
      expect(callTool.mock.calls[0]?.[2]).toMatchObject({ timeout: 2_147_483_647 });
    },
  );

  it.each([0, -1, Number.NaN, '5000', true])('refuses timeoutMs %s', async (timeoutMs) => {
    await expect(
      createMcpTools(harness.client, { timeoutMs: timeoutMs as number }),
    ).rejects.toThrow(
      /^The MCP tools' timeoutMs must be a positive number of milliseconds, or false or Infinity for no limit; got /,
    );
  });

  it('turns a server that goes away mid-call into a connection-closed tool error, not a crash', async () => {
    const call = runTool(tool('slow'), { ms: 60_000 });
    await harness.slowStarted;
    await harness.serverTransport.close();
    const error = (await captureError(call)) as McpToolCallError;
    expect(McpToolCallError.isInstance(error)).toBe(true);
    expect(error.reason).toBe('connection-closed');
    expect(error.message).toContain('The connection to the MCP server "kitchen-sink" is closed');
    // Later calls fail the same way, at once.
    const next = (await captureError(runTool(tool('greet'), { name: 'x' }))) as McpToolCallError;
    expect(next.reason).toBe('connection-closed');
  });

  it('logs each call at debug with the call id, and never the arguments', async () => {
    const { logger, lines } = createRecordingLogger();
    await runTool(tool('greet'), { name: 'secret-name' }, { toolCallId: 'id-42', logger });
    expect(lines.map((line) => line.message)).toEqual([
      'mcp tool call started',
      'mcp tool call ended',
    ]);
    expect(lines[1]?.fields).toMatchObject({
      toolName: 'greet',
      mcpToolName: 'greet',
      toolCallId: 'id-42',
      server: 'server "kitchen-sink"',
      isError: false,
      parts: 0,
    });
    expect(JSON.stringify(lines)).not.toContain('secret-name');
  });

  it('shares one idempotent close between all tools when closeClient is set', async () => {
    const closeSpy = vi.spyOn(harness.client, 'close');
    const [first, second] = [tool('greet'), tool('fail')];
    expect(first.close).toBeTypeOf('function');
    await Promise.all([first.close?.(), second.close?.(), first.close?.()]);
    expect(closeSpy).toHaveBeenCalledTimes(1);
    const error = (await captureError(runTool(first, { name: 'x' }))) as McpToolCallError;
    expect(error.reason).toBe('connection-closed');
  });

  it('leaves the client open by default: it is the caller’s', async () => {
    const { tools } = await createMcpTools(harness.client);
    expect(tools.every((each) => each.close === undefined)).toBe(true);
  });
});
