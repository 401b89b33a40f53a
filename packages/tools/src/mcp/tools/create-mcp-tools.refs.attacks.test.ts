import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { captureError, connectInMemory } from '../__fixtures__/mcp-test-helpers.ts';
import { McpServerError } from '../errors/mcp-server-error.ts';
import { createMcpTools } from './create-mcp-tools.ts';

// Attack (attack26): an MCP server lists tools whose input schemas' `$ref`s never end: thirty
// definitions that each use the next twice (inlining them never finished: `createMcpTools`, and
// the process with it, blocked in a synchronous loop), a chain of 5,000 `$ref`s (seconds to
// define, then a stack overflow at every call), and a definition that is its own `$ref` (listed
// fine, then every call's argument check threw "Maximum call stack size exceeded"). Each is now
// an unusable tool: an McpServerError naming it, or left out with `onInvalidTool: 'skip'`.

function doubling(levels: number): Record<string, unknown> {
  const defs: Record<string, unknown> = { [`d${levels}`]: { type: 'string' } };
  for (let index = 0; index < levels; index++) {
    defs[`d${index}`] = {
      type: 'object',
      properties: { a: { $ref: `#/$defs/d${index + 1}` }, b: { $ref: `#/$defs/d${index + 1}` } },
    };
  }
  return { type: 'object', properties: { x: { $ref: '#/$defs/d0' } }, $defs: defs };
}

/** A chain of `length` definitions, each only a `$ref` to the next. */
function chain(length: number): Record<string, unknown> {
  const defs: Record<string, unknown> = { [`d${length}`]: { type: 'string' } };
  for (let index = 0; index < length; index++)
    defs[`d${index}`] = { $ref: `#/$defs/d${index + 1}` };
  return { type: 'object', properties: { x: { $ref: '#/$defs/d0' } }, $defs: defs };
}

const listed = [
  { name: 'fine', inputSchema: { type: 'object', properties: { q: { type: 'string' } } } },
  { name: 'bomb', inputSchema: doubling(30) },
  { name: 'chain', inputSchema: chain(5000) },
  {
    name: 'loop',
    inputSchema: {
      type: 'object',
      properties: { x: { $ref: '#/$defs/a' } },
      $defs: { a: { $ref: '#/$defs/a' } },
    },
  },
];

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

async function hostileServer(): Promise<Client> {
  const server = new Server({ name: 'refs', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: listed }));
  const { client } = await connectInMemory(server);
  clients.push(client);
  return client;
}

describe('createMcpTools with schemas whose $refs never end', () => {
  it('leaves them out with onInvalidTool: skip, each with the reason', async () => {
    const { tools, skipped } = await createMcpTools(await hostileServer(), {
      onInvalidTool: 'skip',
    });
    expect(tools.map(({ name }) => name)).toEqual(['fine']);
    expect(skipped.map(({ mcpName }) => mcpName)).toEqual(['bomb', 'chain', 'loop']);
    expect(skipped[0]?.error.message).toContain('expand past');
    expect(skipped[1]?.error.message).toContain('$refs in a row');
    expect(skipped[2]?.error.message).toContain('without going into a property or an item');
  });

  it('refuses the listing by default, naming the tool', async () => {
    const error = await captureError(createMcpTools(await hostileServer()));
    expect(McpServerError.isInstance(error)).toBe(true);
    expect((error as McpServerError).message).toContain('"bomb"');
  });
});

describe("createMcpTools walks a tool schema's $refs once", () => {
  it('the listing walks them; the first call reads the schema once, for the validator (leftovers34)', async () => {
    // Every walk of the schema enumerates the definition's keys: counted here. The listing's
    // walks are findRefProblem's and defineTool's (its cleaning and checks); before, the first
    // call's validator walked the $refs again (findRefProblem) besides building itself.
    let reads = 0;
    const definition = new Proxy(
      { type: 'object', properties: { v: { type: 'string' } }, required: ['v'] },
      {
        ownKeys(target) {
          reads++;
          return Reflect.ownKeys(target);
        },
      },
    );
    const server = new Server({ name: 'refs', version: '1.0.0' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [
        {
          name: 'lookup',
          inputSchema: {
            type: 'object',
            properties: { q: { $ref: '#/$defs/query' } },
            $defs: { query: definition },
          },
        },
      ],
    }));
    server.setRequestHandler(CallToolRequestSchema, async () => ({ content: [] }));
    const { client } = await connectInMemory(server);
    clients.push(client);
    const { tools } = await createMcpTools(client);
    const listed = reads;
    expect(listed).toBeGreaterThan(0);
    const tool = tools[0]!;
    expect((await tool.parseArgs({ q: { v: 'x' } })).success).toBe(true);
    expect(reads - listed).toBe(1);
    expect((await tool.parseArgs({ q: {} })).success).toBe(false);
    expect(reads - listed).toBe(1);
  });
});
