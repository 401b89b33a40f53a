import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { runTool } from '../__fixtures__/mcp-test-helpers.ts';
import type { McpTool } from './create-mcp-tools.ts';
import { createMcpTools } from './create-mcp-tools.ts';
import type { McpCallToolResult, McpClient, McpListToolsResult } from './mcp-client.ts';

// Attack (leftovers49, what leftovers47 left): a hostile server puts `__proto__` keys in a content
// block of a tool's result and all through a tool's inputSchema. JSON.parse keeps each as an own
// key; a copy made by assignment (`copy[key] = value`) would make it the copy's prototype, and a
// read of `block.mimeType` or `schema.required` would then find the server's hidden value. The
// MCP SDK's schemas (zod) drop such keys; a client of the app's own making (`McpClient`) passes
// them as they were read, so that is the worst case tested here: each stays data, end to end.

const SCHEMA =
  '{"type":"object","__proto__":{"required":["a"]},"properties":{"__proto__":{"type":"string","description":"a key named __proto__"},"a":{"type":"string","__proto__":{"enum":["x"]}}}}';
const CONTENT =
  '[{"type":"text","text":"hi","__proto__":{"text":"injected"}},{"type":"image","data":"AAAA","__proto__":{"mimeType":"image/png"}},{"type":"resource","resource":{"uri":"file:///r","__proto__":{"text":"hidden"}}},{"type":"from-the-future","__proto__":{"x":1}}]';

/** A client that answers as JSON.parse reads the server's bytes, and keeps each call's arguments. */
function hostileClient(calls: Array<Record<string, unknown> | undefined>): McpClient {
  return {
    listTools: async () =>
      JSON.parse(`{"tools":[{"name":"proto","inputSchema":${SCHEMA}}]}`) as McpListToolsResult,
    callTool: async (params) => {
      calls.push(params.arguments);
      return JSON.parse(`{"content":${CONTENT}}`) as McpCallToolResult;
    },
    close: async () => {},
  };
}

const EXPECTED_OUTPUT = [
  'hi',
  '[image (application/octet-stream, 3 bytes) left out: Gemini does not accept application/octet-stream in a function response]',
  '{"type":"from-the-future","__proto__":{"x":1}}',
].join('\n');

function expectPrototypesUntouched(): void {
  const plain = {} as Record<string, unknown>;
  for (const key of ['required', 'enum', 'text', 'mimeType', 'x', 'type'])
    expect(plain[key]).toBeUndefined();
}

describe('createMcpTools with `__proto__` keys in content blocks and inputSchema', () => {
  it('declares the schema as read and checks arguments by its own keys only', async () => {
    const { tools } = await createMcpTools(hostileClient([]));
    const tool = tools[0] as McpTool;
    expect(JSON.stringify(tool.declaration.parametersJsonSchema)).toBe(SCHEMA);
    expect(JSON.stringify(tool.inputSchema)).toBe(SCHEMA);
    // `required` and `enum` sit under `__proto__` keys: data, not inherited keywords.
    expect(tool.parseArgs(JSON.parse('{}')).success).toBe(true);
    const parsed = tool.parseArgs(JSON.parse('{"__proto__":"own","a":"free"}'));
    expect(parsed.success).toBe(true);
    const value = (parsed as { value: Record<string, unknown> }).value;
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expectPrototypesUntouched();
  });

  it("reads each block's own fields: the `__proto__` keys stay data", async () => {
    const calls: Array<Record<string, unknown> | undefined> = [];
    const { tools } = await createMcpTools(hostileClient(calls));
    const result = await runTool(tools[0] as McpTool, JSON.parse('{"__proto__":"own","a":"b"}'));
    expect(result).toEqual({ output: EXPECTED_OUTPUT });
    expect(JSON.stringify(calls[0])).toBe('{"__proto__":"own","a":"b"}');
    expect(Object.getPrototypeOf(calls[0])).toBe(Object.prototype);
    expectPrototypesUntouched();
  });

  for (const mode of ['unary', 'streamed'] as const) {
    it(`an agent declares it, calls it and answers with it as data (${mode})`, async () => {
      const calls: Array<Record<string, unknown> | undefined> = [];
      const { tools } = await createMcpTools(hostileClient(calls));
      await using fake = createFakeGemini({
        script: [
          turn.call('proto', JSON.parse('{"__proto__":"own","a":"b"}') as Record<string, unknown>),
          turn.text('Done.'),
        ],
      });
      const agent = createAgent({
        gemini: createGemini({ baseUrl: (await fake.listen()).url, apiKey: 'k', retry: false }),
        model: 'gemini-3-flash-preview',
        tools,
      });
      if (mode === 'unary') expect((await agent.run('Go.')).text).toBe('Done.');
      else for await (const _event of agent.stream('Go.'));
      const [first, second] = fake.requests.map((request) => JSON.stringify(request.body));
      expect(first).toContain(`"parametersJsonSchema":${SCHEMA}`);
      expect(JSON.stringify(calls[0])).toBe('{"__proto__":"own","a":"b"}');
      expect(second).toContain(`"response":${JSON.stringify({ output: EXPECTED_OUTPUT })}`);
      expectPrototypesUntouched();
      await agent.close();
    });
  }
});
