import { InvalidArgumentError } from '@gemloop/core';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
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

type ListedTool = { name: string; description?: string; inputSchema: Record<string, unknown> };

const emptyObject = { type: 'object', properties: {} };

/**
 * A low-level SDK `Server` that lists exactly the given pages (with `nextCursor`s between them)
 * and answers every call with the name and arguments it received.
 */
async function startPagedServer(pages: ListedTool[][]): Promise<{
  client: Client;
  listCursors: (string | undefined)[];
  calls: { name: string; arguments: unknown; meta: unknown }[];
}> {
  const server = new Server({ name: 'paged', version: '1.0.0' }, { capabilities: { tools: {} } });
  const listCursors: (string | undefined)[] = [];
  const calls: { name: string; arguments: unknown; meta: unknown }[] = [];
  server.setRequestHandler(ListToolsRequestSchema, async (request) => {
    const cursor = request.params?.cursor;
    listCursors.push(cursor);
    const index = cursor === undefined ? 0 : Number(cursor.replace('page-', ''));
    const next = index + 1 < pages.length ? `page-${index + 1}` : undefined;
    return { tools: pages[index] ?? [], ...(next === undefined ? {} : { nextCursor: next }) };
  });
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    calls.push({
      name: request.params.name,
      arguments: request.params.arguments,
      meta: request.params._meta,
    });
    if (request.params.name === 'rejects') {
      throw new McpError(-32602, 'Unknown argument "x"');
    }
    return { content: [{ type: 'text', text: `called ${request.params.name}` }] };
  });
  const { client } = await connectInMemory(server);
  clients.push(client);
  return { client, listCursors, calls };
}

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

describe('createMcpTools', () => {
  it('lists every page of tools, following nextCursor, in the server order', async () => {
    const { client, listCursors } = await startPagedServer([
      [
        { name: 'a', inputSchema: emptyObject },
        { name: 'b', inputSchema: emptyObject },
      ],
      [{ name: 'c', inputSchema: emptyObject }],
      [{ name: 'd', inputSchema: emptyObject }],
    ]);
    const { tools } = await createMcpTools(client);
    expect(tools.map((tool) => tool.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(listCursors).toEqual([undefined, 'page-1', 'page-2']);
  });

  it('declares the MCP input schema as parametersJsonSchema, cleaned for Gemini like any JSON Schema tool', async () => {
    const { client } = await startPagedServer([
      [
        {
          name: 'search',
          description: 'Searches the index.',
          inputSchema: {
            $schema: 'https://json-schema.org/draft/2020-12/schema',
            type: 'object',
            title: 'SearchArguments',
            properties: {
              query: { type: 'string', description: 'What to look for', minLength: 1 },
              limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
              tags: { type: 'array', items: { type: 'string', enum: ['news', 'docs'] } },
            },
            required: ['query'],
            additionalProperties: false,
          },
        },
      ],
    ]);
    const { tools } = await createMcpTools(client);
    expect(tools[0]?.declaration).toEqual({
      name: 'search',
      description: 'Searches the index.',
      // `$schema` and `title` are dropped by defineTool's cleaning (titles confuse Gemini).
      parametersJsonSchema: {
        type: 'object',
        properties: {
          query: { type: 'string', description: 'What to look for', minLength: 1 },
          limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
          tags: { type: 'array', items: { type: 'string', enum: ['news', 'docs'] } },
        },
        required: ['query'],
        additionalProperties: false,
      },
    });
    expect(tools[0]?.inputSchema).toMatchObject({ title: 'SearchArguments' });
  });

  it('validates the model arguments against the MCP schema before calling the server', async () => {
    const { client, calls } = await startPagedServer([
      [
        {
          name: 'search',
          inputSchema: {
            type: 'object',
            properties: { query: { type: 'string' }, limit: { type: 'integer', minimum: 1 } },
            required: ['query'],
            additionalProperties: false,
          },
        },
      ],
    ]);
    const [search] = (await createMcpTools(client)).tools;
    const parsed = search?.parseArgs({ limit: 0, extra: true });
    expect(parsed).toEqual({
      success: false,
      issues: [
        // The wording is core's (defineTool's JSON Schema validation); the paths are what matter here.
        { path: ['query'], message: expect.any(String) },
        { path: ['limit'], message: expect.stringContaining('1') },
        { path: ['extra'], message: expect.any(String) },
      ],
    });
    expect(calls).toEqual([]);
    // Said with the declared field (`gen_ai.tool.type`), not the deprecated symbol.
    expect(search?.toolType).toBe('mcp');
    expect(search?.parseArgs({ query: 'mcp', limit: 3 })).toEqual({
      success: true,
      value: { query: 'mcp', limit: 3 },
    });
  });

  it("leaves the server's regular expressions to the server, so a hostile pattern cannot hang the process", async () => {
    // Backtracking doubles with every "a": 'a' x 26 + '!' takes about a second against ^(a+)+$, 40
    // takes hours, and a running regular expression cannot be interrupted (no timer fires).
    const evil = '^(a+)+$';
    const { client, calls } = await startPagedServer([
      [
        {
          name: 'lookup',
          inputSchema: {
            type: 'object',
            properties: {
              code: { type: 'string', pattern: evil },
              tags: { type: 'object', patternProperties: { [evil]: { type: 'string' } } },
              named: { type: 'object', propertyNames: { pattern: evil } },
              nested: { $ref: '#/$defs/Nested' },
              // A property named "pattern" is a property, not the keyword: it is still checked.
              pattern: { type: 'string' },
            },
            required: ['code'],
            $defs: { Nested: { type: 'string', pattern: evil } },
          },
        },
      ],
    ]);
    const [lookup] = (await createMcpTools(client)).tools;
    const hostile = `${'a'.repeat(26)}!`;
    expect(
      lookup?.parseArgs({
        code: hostile,
        tags: { [hostile]: 'x' },
        named: { [hostile]: 1 },
        nested: hostile,
      }),
    ).toMatchObject({ success: true });
    // The rest of the schema is still checked here, and Gemini still sees the patterns.
    expect(lookup?.parseArgs({ code: 'aaa', pattern: 5 })).toMatchObject({
      success: false,
      issues: [{ path: ['pattern'] }],
    });
    expect(lookup?.parseArgs({})).toMatchObject({ success: false, issues: [{ path: ['code'] }] });
    expect(lookup?.declaration.parametersJsonSchema).toMatchObject({
      properties: { code: { pattern: evil } },
    });
    expect(calls).toEqual([]);
  });

  it('renames tools Gemini would reject and keeps calling them by their MCP names', async () => {
    const longName = `x${'y'.repeat(140)}`;
    const { client, calls } = await startPagedServer([
      [
        { name: 'read file', inputSchema: emptyObject },
        { name: 'repos/list', inputSchema: emptyObject },
        { name: '2fa-check', inputSchema: emptyObject },
        { name: longName, inputSchema: emptyObject },
      ],
    ]);
    const { tools, renamed, mcpNames } = await createMcpTools(client);
    const names = tools.map((tool) => tool.name);
    expect(names.slice(0, 3)).toEqual(['read_file', 'repos_list', '_2fa-check']);
    expect(names[3]).toMatch(/^xy{118}_[0-9a-f]{8}$/);
    expect(names[3]).toHaveLength(128);
    expect(renamed).toEqual([
      { mcpName: 'read file', name: 'read_file', reasons: ['invalid-characters'] },
      { mcpName: 'repos/list', name: 'repos_list', reasons: ['invalid-characters'] },
      { mcpName: '2fa-check', name: '_2fa-check', reasons: ['invalid-start'] },
      { mcpName: longName, name: names[3], reasons: ['too-long'] },
    ]);
    expect(mcpNames.get('read_file')).toBe('read file');

    await runTool(tools[0] as (typeof tools)[0], {});
    await runTool(tools[3] as (typeof tools)[0], {});
    expect(calls.map((call) => call.name)).toEqual(['read file', longName]);
  });

  it('gives clashing names distinct suffixes whatever order the server lists them in, and logs renames', async () => {
    const list = [
      { name: 'get.item', inputSchema: emptyObject },
      { name: 'get item', inputSchema: emptyObject },
      { name: 'get/item', inputSchema: emptyObject },
      { name: 'get_item', inputSchema: emptyObject },
    ];
    const { logger, lines } = createRecordingLogger();
    const forward = await createMcpTools((await startPagedServer([list])).client, { logger });
    const backward = await createMcpTools((await startPagedServer([[...list].reverse()])).client);
    const byMcpName = (result: typeof forward) =>
      Object.fromEntries([...result.mcpNames].map(([name, mcpName]) => [mcpName, name]));

    const names = byMcpName(forward);
    expect(names['get.item']).toBe('get.item');
    // The valid name keeps it; the sanitised look-alikes get a hash of their own MCP name.
    expect(names['get_item']).toBe('get_item');
    expect(names['get item']).toMatch(/^get_item_[0-9a-f]{8}$/);
    expect(names['get/item']).toMatch(/^get_item_[0-9a-f]{8}$/);
    expect(names['get item']).not.toBe(names['get/item']);
    expect(byMcpName(backward)).toEqual(names);
    expect(forward.renamed.find((rename) => rename.mcpName === 'get item')?.reasons).toEqual([
      'invalid-characters',
      'collision',
    ]);
    expect(lines.filter((line) => line.message === 'mcp tool renamed')).toHaveLength(2);
  });

  it('adds the prefix and steers clear of reserved names from other servers', async () => {
    const { client } = await startPagedServer([
      [
        { name: 'search', inputSchema: emptyObject },
        { name: 'fetch', inputSchema: emptyObject },
      ],
    ]);
    const { tools, renamed } = await createMcpTools(client, {
      prefix: 'web_',
      reservedNames: ['web_fetch'],
    });
    expect(tools[0]?.name).toBe('web_search');
    expect(tools[1]?.name).toMatch(/^web_fetch_[0-9a-f]{8}$/);
    expect(renamed).toEqual([{ mcpName: 'fetch', name: tools[1]?.name, reasons: ['collision'] }]);
  });

  it('rejects a prefix Gemini would not accept', async () => {
    const { client } = await startPagedServer([[{ name: 'a', inputSchema: emptyObject }]]);
    const error = await captureError(createMcpTools(client, { prefix: 'git hub/' }));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('prefix');
  });

  it('keeps only the tools the filter accepts', async () => {
    const { client } = await startPagedServer([
      [
        { name: 'read', inputSchema: emptyObject },
        { name: 'delete', inputSchema: emptyObject },
      ],
    ]);
    const { tools } = await createMcpTools(client, { filter: (tool) => tool.name !== 'delete' });
    expect(tools.map((tool) => tool.name)).toEqual(['read']);
  });

  it('reports a broken input schema when the tools are created, naming the server and the tool', async () => {
    const { client } = await startPagedServer([
      [
        { name: 'fine', inputSchema: emptyObject },
        {
          name: 'broken',
          inputSchema: {
            type: 'object',
            properties: {
              a: { type: 'strnig' },
              b: { type: 'string', pattern: '([' },
              c: { type: 'array', items: 5 },
            },
          },
        },
      ],
    ]);
    const error = await captureError(createMcpTools(client));
    expect(McpServerError.isInstance(error)).toBe(true);
    const serverError = error as McpServerError;
    expect(serverError.reason).toBe('invalid-tool');
    expect(serverError.toolName).toBe('broken');
    expect(serverError.server).toBe('server "paged"');
    expect(serverError.message).toContain('tool "broken"');
    expect(serverError.message).toContain('properties.a.type: "strnig" is not a JSON Schema type');
    expect(serverError.message).toContain(
      'properties.b.pattern: is not a valid regular expression',
    );
    expect(serverError.message).toContain(
      'properties.c.items: a schema must be an object or a boolean, got 5',
    );
    // The check is core's, the one every JSON Schema tool goes through.
    expect(InvalidArgumentError.isInstance(serverError.cause)).toBe(true);
    expect((serverError.cause as InvalidArgumentError).argument).toBe(
      'parameters.properties.a.type',
    );
    expect(serverError.message).toContain("pass onInvalidTool: 'skip'");
  });

  it("reports a schema defineTool refuses (an unresolvable $ref) as the server's invalid tool", async () => {
    const { client } = await startPagedServer([
      [
        {
          name: 'refs',
          inputSchema: { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } },
        },
      ],
    ]);
    const error = (await captureError(createMcpTools(client))) as McpServerError;
    expect(error.reason).toBe('invalid-tool');
    expect(error.message).toContain('$ref "#/$defs/missing"');
    expect(InvalidArgumentError.isInstance(error.cause)).toBe(true);
  });

  it('skips unusable tools with onInvalidTool: skip and says which and why', async () => {
    const { client } = await startPagedServer([
      [
        { name: 'fine', inputSchema: emptyObject },
        { name: 'broken', inputSchema: { type: 'object', properties: { a: { type: 'text' } } } },
      ],
    ]);
    const { logger, lines } = createRecordingLogger();
    const { tools, skipped } = await createMcpTools(client, { onInvalidTool: 'skip', logger });
    expect(tools.map((tool) => tool.name)).toEqual(['fine']);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.mcpName).toBe('broken');
    expect(skipped[0]?.error.message).toContain(
      'properties.a.type: "text" is not a JSON Schema type',
    );
    expect(lines.some((line) => line.level === 'warn' && line.message === 'mcp tool skipped')).toBe(
      true,
    );
  });

  it('turns a tool list the SDK rejects into a list-failed error that names the problem', async () => {
    // The SDK's own schema check throws for a whole page when one tool's inputSchema is not
    // `type: 'object'`.
    const { client } = await startPagedServer([
      [{ name: 'scalar', inputSchema: { type: 'string' } as Record<string, unknown> }],
    ]);
    const error = (await captureError(createMcpTools(client))) as McpServerError;
    expect(McpServerError.isInstance(error)).toBe(true);
    expect(error.reason).toBe('list-failed');
    expect(error.message).toContain('tools.0.inputSchema.type');
  });

  it('passes the call id to the server in _meta', async () => {
    const { client, calls } = await startPagedServer([
      [{ name: 'ping', inputSchema: emptyObject }],
    ]);
    const [ping] = (await createMcpTools(client)).tools;
    await runTool(ping as NonNullable<typeof ping>, {}, { toolCallId: 'abc123' });
    expect(calls[0]?.meta).toEqual({ 'gemloop/toolCallId': 'abc123' });
  });

  it('turns a JSON-RPC error from the server into a protocol-error tool error', async () => {
    const { client } = await startPagedServer([[{ name: 'rejects', inputSchema: emptyObject }]]);
    const [tool] = (await createMcpTools(client)).tools;
    const error = (await captureError(
      runTool(tool as NonNullable<typeof tool>, {}),
    )) as McpToolCallError;
    expect(McpToolCallError.isInstance(error)).toBe(true);
    expect(error.reason).toBe('protocol-error');
    expect(error.rpcCode).toBe(-32602);
    expect(error.message).toBe(
      'The MCP server "paged" rejected the call to "rejects" (JSON-RPC error -32602): Unknown argument "x"',
    );
  });

  it('rejects something that is not an MCP client with a clear error', async () => {
    const error = await captureError(createMcpTools({} as Client));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('connected MCP Client');
  });
});
