import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureError,
  connectInMemory,
  createRecordingLogger,
  runTool,
} from '../__fixtures__/mcp-test-helpers.ts';
import { McpServerError } from '../errors/mcp-server-error.ts';
import { McpToolCallError } from '../errors/mcp-tool-call-error.ts';
import { createMcpTools } from './create-mcp-tools.ts';

// Attack (attack43b): an MCP server names a tool with terminal escapes, a forged log line and a
// megabyte of text. The server's own name was made plain and bounded (attack-doors), its tool
// names were not: each went whole, escapes and all, into the McpServerError an invalid schema
// gives (1,000,595 characters), into the `warn` lines of a rename or a skip (4 MB), and into
// every McpToolCallError of its calls, which the model reads and logs print.

const HOSTILE = `\u001b[2J\u001b]8;;http://evil\u0007x\r\nforged line \u202e${'n'.repeat(1_000_000)}`;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

async function server(tools: unknown[], result: unknown = { content: [] }): Promise<Client> {
  const instance = new Server({ name: 'names', version: '1.0.0' }, { capabilities: { tools: {} } });
  instance.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }) as never);
  instance.setRequestHandler(CallToolRequestSchema, async () => result as never);
  const { client } = await connectInMemory(instance);
  clients.push(client);
  return client;
}

/** Every string a logged line or an error carries, flattened, to search for what leaked. */
function shown(value: unknown): string {
  return JSON.stringify(value, (_key, each) =>
    each instanceof Error ? { ...each, message: each.message } : each,
  );
}

const plain = (text: string) => {
  expect(text).not.toMatch(CONTROL);
  expect(text).not.toContain('forged line\u0020\u202e');
};

describe('createMcpTools with a hostile tool name', () => {
  it('an invalid schema is refused naming the tool plainly, in at most a few hundred characters', async () => {
    const client = await server([
      { name: HOSTILE, inputSchema: { type: 'object', properties: { a: { type: 'strnig' } } } },
    ]);
    const error = await captureError(createMcpTools(client));
    expect(McpServerError.isInstance(error) && error.reason).toBe('invalid-tool');
    const { message, toolName } = error as McpServerError;
    expect(message).toContain('forged line');
    expect(message).toContain('strnig');
    expect(message.length).toBeLessThan(1500);
    plain(message);
    expect(toolName?.length).toBeLessThan(200);
    plain(toolName ?? '');
  });

  it('a skipped tool is logged plainly and bounded; `skipped` keeps the server name whole', async () => {
    const client = await server([
      { name: HOSTILE, inputSchema: { type: 'object', properties: { a: { type: 'strnig' } } } },
      {
        name: HOSTILE.slice(0, 5000),
        inputSchema: { type: 'object', properties: { b: { minLength: 'x' } } },
      },
    ]);
    const { logger, lines } = createRecordingLogger();
    const { skipped } = await createMcpTools(client, { onInvalidTool: 'skip', logger });
    expect(skipped.map(({ mcpName }) => mcpName)).toEqual([HOSTILE, HOSTILE.slice(0, 5000)]);
    const warned = lines.filter(({ message }) => message === 'mcp tool skipped');
    expect(warned).toHaveLength(2);
    expect(shown(warned).length).toBeLessThan(5000);
    for (const { error } of skipped) plain(error.message);
  });

  it('a renamed tool is logged plainly and bounded; `renamed` keeps the server name whole', async () => {
    const client = await server([{ name: HOSTILE, inputSchema: { type: 'object' } }]);
    const { logger, lines } = createRecordingLogger();
    const { renamed, mcpNames, tools } = await createMcpTools(client, { logger });
    expect(renamed[0]?.mcpName).toBe(HOSTILE);
    expect(mcpNames.get(tools[0]?.name ?? '')).toBe(HOSTILE);
    const warned = lines.filter(({ message }) => message === 'mcp tool renamed');
    expect(warned).toHaveLength(1);
    expect(shown(warned).length).toBeLessThan(2000);
    expect(shown(warned)).not.toContain('\\u001b');
  });

  it("its calls' errors name it plainly and bounded; the call still goes to the server's name", async () => {
    const client = await server([{ name: HOSTILE, inputSchema: { type: 'object' } }], {
      isError: true,
      content: [],
    });
    const { logger, lines } = createRecordingLogger();
    const { tools } = await createMcpTools(client, { logger });
    const error = await captureError(runTool(tools[0] as never, {}, { logger }));
    expect(McpToolCallError.isInstance(error) && error.reason).toBe('tool-error');
    const { message, mcpToolName } = error as McpToolCallError;
    expect(message).toContain('failed without saying why');
    expect(message.length).toBeLessThan(500);
    plain(message);
    plain(mcpToolName);
    expect(mcpToolName.length).toBeLessThan(200);
    expect(shown(lines).length).toBeLessThan(5000);
  });

  it('a call to it after the server went away names it plainly', async () => {
    const client = await server([{ name: HOSTILE, inputSchema: { type: 'object' } }]);
    const { tools } = await createMcpTools(client);
    await client.close();
    const error = await captureError(runTool(tools[0] as never, {}));
    expect(McpToolCallError.isInstance(error) && error.reason).toBe('connection-closed');
    expect((error as Error).message.length).toBeLessThan(800);
    plain((error as Error).message);
  });

  it('a schema naming a hostile property, pattern or $ref is refused with its detail plain and bounded', async () => {
    for (const inputSchema of [
      { type: 'object', properties: { [HOSTILE]: { type: 'strnig' } } },
      { type: 'object', properties: { a: { type: 'string', pattern: `(${HOSTILE}` } } },
      { type: 'object', properties: { a: { $ref: `#/${HOSTILE}` } } },
    ]) {
      const error = await captureError(createMcpTools(await server([{ name: 'x', inputSchema }])));
      expect(McpServerError.isInstance(error) && error.reason).toBe('invalid-tool');
      const { message } = error as Error;
      expect(message).toContain('forged line');
      expect(message).toContain("onInvalidTool: 'skip'");
      expect(message.length).toBeLessThan(1500);
      plain(message);
      // The cause travels with it (`toJSON` prints it): bounded too.
      expect(JSON.stringify((error as McpServerError).toJSON()).length).toBeLessThan(4000);
    }
  });

  it('a plain name of the spec is shown as it is', async () => {
    const client = await server([{ name: 'files.read-v2', inputSchema: { type: 'object' } }], {
      isError: true,
      content: [],
    });
    const { tools } = await createMcpTools(client);
    const error = await captureError(runTool(tools[0] as never, {}));
    expect((error as McpToolCallError).mcpToolName).toBe('files.read-v2');
    expect((error as Error).message).toBe(
      'The MCP tool "files.read-v2" failed without saying why.',
    );
  });
});
