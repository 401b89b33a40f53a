import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Content, Part } from '@gemloop/core';
import { createAgent, createGemini } from '@gemloop/core';
import type { GenerateContentBody } from '@gemloop/core/wire';
import type { FakeGemini } from '@gemloop/testing';
import { createFakeGemini, turn } from '@gemloop/testing';
import type { McpTools } from '@gemloop/tools';
import {
  createCalculatorTool,
  createDateTimeTools,
  createFileTools,
  createMcpTools,
} from '@gemloop/tools';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';

// One agent, one conversation: ready-made tools from @gemloop/tools and the tools of a real MCP
// server (the SDK's Server over in-memory transports), on the fake Gemini server over HTTP on
// 127.0.0.1, which enforces the API's contract (call/response pairing, ids, signatures, parts).

// A 1×1 PNG.
const mapPng =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
// 2024-05-17T12:30:00Z, a Friday.
const now = Date.UTC(2024, 4, 17, 12, 30, 0);

/** A travel MCP server: structured forecasts, a map image, and bookings that fail. */
async function startTravelServer(): Promise<{
  client: Client;
  calls: { name: string; meta: unknown }[];
}> {
  const server = new Server({ name: 'travel', version: '1.0.0' }, { capabilities: { tools: {} } });
  const calls: { name: string; meta: unknown }[] = [];
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [
      {
        name: 'get forecast',
        description: 'Weather forecast for a city.',
        inputSchema: {
          type: 'object',
          properties: {
            city: { type: 'string' },
            days: { type: 'integer', minimum: 1, maximum: 7 },
          },
          required: ['city'],
        },
        outputSchema: {
          type: 'object',
          properties: {
            city: { type: 'string' },
            highs: { type: 'array', items: { type: 'number' } },
          },
          required: ['city', 'highs'],
        },
      },
      {
        name: 'city/map',
        description: 'A map of a city centre.',
        inputSchema: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
      {
        name: 'book_hotel',
        description: 'Books a hotel room.',
        inputSchema: {
          type: 'object',
          properties: { city: { type: 'string' }, nights: { type: 'integer', minimum: 1 } },
          required: ['city', 'nights'],
        },
      },
    ],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const { name, arguments: args = {}, _meta } = request.params;
    calls.push({ name, meta: _meta });
    if (name === 'get forecast') {
      const structuredContent = {
        city: args['city'],
        highs: [14, 16, 11].slice(0, Number(args['days'] ?? 3)),
      };
      return {
        content: [{ type: 'text', text: JSON.stringify(structuredContent) }],
        structuredContent,
      };
    }
    if (name === 'city/map') {
      return {
        content: [
          { type: 'text', text: `Map of ${String(args['city'])} centre.` },
          { type: 'image', data: mapPng, mimeType: 'image/png' },
        ],
      };
    }
    return {
      content: [{ type: 'text', text: `No rooms left in ${String(args['city'])}.` }],
      isError: true,
    };
  });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'integration', version: '1.0.0' });
  await client.connect(clientTransport);
  return { client, calls };
}

const script = () => [
  // Step 1: four calls in parallel: file, calculator, clock and MCP tools.
  turn.calls([
    { name: 'read_file', args: { path: 'trip/budget.txt' } },
    { name: 'calculator', args: { expression: '2 * (350 + 120)' } },
    { name: 'get_current_time', args: { timeZone: 'Europe/Oslo', format: 'yyyy-MM-dd HH:mm' } },
    { name: 'travel_get_forecast', args: { city: 'Oslo', days: 2 } },
  ]),
  // Step 2: an image from MCP and a failing MCP call, in parallel.
  turn.calls([
    { name: 'travel_city_map', args: { city: 'Oslo' } },
    { name: 'travel_book_hotel', args: { city: 'Oslo', nights: 2 } },
  ]),
  // Step 3: bad arguments for an MCP tool; gemloop answers from the schema without calling it.
  turn.call('travel_book_hotel', { city: 'Oslo', nights: 0 }),
  turn.text(
    'The trip costs 940. It is Friday 14:30 in Oslo, highs of 14 and 16 °C. No hotel rooms are left.',
  ),
];

const fakes: FakeGemini[] = [];
const clients: Client[] = [];
const folders: string[] = [];
afterEach(async () => {
  await Promise.all([
    ...fakes.splice(0).map((fake) => fake.close()),
    ...clients.splice(0).map((client) => client.close()),
    ...folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })),
  ]);
});

const budget = 'Hotel: 350 per night\nFlights: 120\n';

async function setUp(model: string) {
  const fake = createFakeGemini({ script: script(), seed: 7 });
  fakes.push(fake);
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
  const travel = await startTravelServer();
  clients.push(travel.client);
  const root = await mkdtemp(join(tmpdir(), 'gemloop-trip-'));
  folders.push(root);
  await mkdir(join(root, 'trip'));
  await writeFile(join(root, 'trip', 'budget.txt'), budget);
  const files = createFileTools({ root });
  const calculator = createCalculatorTool();
  const dateTime = createDateTimeTools({ now: () => now });
  const local = [...files.tools, calculator, ...dateTime.tools];
  const mcp: McpTools = await createMcpTools(travel.client, {
    prefix: 'travel_',
    reservedNames: local.map((tool) => tool.name),
    closeClient: true,
  });
  const agent = createAgent({ gemini, model, tools: [...local, ...mcp.tools] });
  return { fake, agent, travel, mcp };
}

/** The whole history the agent sent in its `requestIndex`-th model call (0-based). */
function sentInRequest(fake: FakeGemini, requestIndex: number): Content[] {
  const body = fake.modelRequests[requestIndex]?.body as GenerateContentBody;
  return body.contents;
}

function callIds(content: Content | undefined): (string | undefined)[] {
  return (content?.parts ?? []).map((part: Part) => part.functionCall?.id);
}

describe('an agent with ready-made tools and an MCP server', () => {
  it('runs a multi-step conversation with parallel calls and sends back the exact function responses (Gemini 3)', async () => {
    const { fake, agent, travel, mcp } = await setUp('gemini-3-flash-preview');
    expect(mcp.renamed.map((rename) => [rename.mcpName, rename.name])).toEqual([
      ['get forecast', 'travel_get_forecast'],
      ['city/map', 'travel_city_map'],
    ]);

    const result = await agent.run(
      'Plan two nights in Oslo: cost of 2 × (350 + 120), local time, weather, a map, a hotel.',
    );

    expect(fake.modelRequests.map((request) => request.status)).toEqual([200, 200, 200, 200]);
    // The MCP declarations went out with the server's schemas.
    const firstBody = fake.modelRequests[0]?.body as GenerateContentBody;
    expect(
      firstBody.tools?.[0]?.functionDeclarations?.find(
        (declaration) => declaration.name === 'travel_get_forecast',
      ),
    ).toEqual({
      name: 'travel_get_forecast',
      description: 'Weather forecast for a city.',
      parametersJsonSchema: {
        type: 'object',
        properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 7 } },
        required: ['city'],
      },
    });

    // Step 1: four responses in one user content, in call order, echoing the server's call ids.
    const afterStep1 = sentInRequest(fake, 1);
    const [idFile, idCalc, idTime, idForecast] = callIds(afterStep1[1]);
    expect(afterStep1[2]).toEqual({
      role: 'user',
      parts: [
        {
          functionResponse: {
            id: idFile,
            name: 'read_file',
            response: { path: 'trip/budget.txt', size: budget.length, offset: 0, content: budget },
          },
        },
        {
          functionResponse: {
            id: idCalc,
            name: 'calculator',
            response: { expression: '2 * (350 + 120)', result: 940 },
          },
        },
        {
          functionResponse: {
            id: idTime,
            name: 'get_current_time',
            response: {
              iso: '2024-05-17T14:30:00.000+02:00',
              timeZone: 'Europe/Oslo',
              utcOffset: '+02:00',
              weekday: 'Friday',
              formatted: '2024-05-17 14:30',
              isoWeek: 20,
              unixSeconds: now / 1000,
              isDaylightSavingTime: true,
            },
          },
        },
        {
          functionResponse: {
            id: idForecast,
            name: 'travel_get_forecast',
            response: { city: 'Oslo', highs: [14, 16] },
          },
        },
      ],
    });

    // Step 2: the map image as functionResponse.parts (Gemini 3), the failed booking as an error.
    const afterStep2 = sentInRequest(fake, 2);
    const [idMap, idBook] = callIds(afterStep2[3]);
    expect(afterStep2[4]).toEqual({
      role: 'user',
      parts: [
        {
          functionResponse: {
            id: idMap,
            name: 'travel_city_map',
            response: { output: 'Map of Oslo centre.' },
            parts: [{ inlineData: { mimeType: 'image/png', data: mapPng } }],
          },
        },
        {
          functionResponse: {
            id: idBook,
            name: 'travel_book_hotel',
            response: { error: 'travel_book_hotel failed: No rooms left in Oslo.' },
          },
        },
      ],
    });

    // Step 3: invalid arguments never reach the server.
    const afterStep3 = sentInRequest(fake, 3);
    const [idInvalid] = callIds(afterStep3[5]);
    const invalid = afterStep3[6]?.parts[0]?.functionResponse;
    expect(invalid).toMatchObject({
      id: idInvalid,
      name: 'travel_book_hotel',
      response: { issues: [{ path: 'nights' }] },
    });
    expect(invalid?.response['error']).toEqual(expect.stringContaining('nights'));

    expect(travel.calls.map((call) => call.name)).toEqual([
      'get forecast',
      'city/map',
      'book_hotel',
    ]);
    // gemloop's call ids reached the MCP server.
    expect(travel.calls.map((call) => call.meta)).toEqual([
      { 'gemloop/toolCallId': idForecast },
      { 'gemloop/toolCallId': idMap },
      { 'gemloop/toolCallId': idBook },
    ]);
    expect(result.text).toBe(
      'The trip costs 940. It is Friday 14:30 in Oslo, highs of 14 and 16 °C. No hotel rooms are left.',
    );
    // user, then (model calls, user responses) × 3, then the model's answer.
    expect(result.contents).toHaveLength(8);
    expect(result.contents[7]?.role).toBe('model');
    expect(
      result.steps.flatMap((step) => step.toolCalls.map((call) => [call.toolName, call.outcome])),
    ).toEqual([
      ['read_file', 'success'],
      ['calculator', 'success'],
      ['get_current_time', 'success'],
      ['travel_get_forecast', 'success'],
      ['travel_city_map', 'success'],
      ['travel_book_hotel', 'execution-error'],
      ['travel_book_hotel', 'invalid-args'],
    ]);

    // Closing the MCP tools (what an agent's owner does at shutdown) closes the connection; a
    // later run that calls an MCP tool gets an error answer for the model, not a crash.
    await Promise.all(mcp.tools.map((tool) => tool.close?.()));
    const after = createFakeGemini({
      script: [
        turn.call('travel_get_forecast', { city: 'Oslo' }),
        turn.text('The weather service is down.'),
      ],
    });
    fakes.push(after);
    const laterAgent = createAgent({
      gemini: createGemini({
        baseUrl: (await after.listen()).url,
        apiKey: 'test-key',
        retry: false,
      }),
      model: 'gemini-3-flash-preview',
      tools: mcp.tools,
    });
    const later = await laterAgent.run('Weather in Oslo?');
    expect(later.text).toBe('The weather service is down.');
    expect(later.contents[2]?.parts[0]?.functionResponse?.response).toEqual({
      error:
        'travel_get_forecast failed: The connection to the MCP server "travel" is closed (the server exited, crashed or was shut down), so "get forecast" returned no result. Its tools cannot be used until it is reconnected.',
    });
    expect(travel.calls).toHaveLength(3);
  });

  it('moves the MCP image into a user content after the responses on a model without multimodal function responses (Gemini 2.5)', async () => {
    const { fake, agent } = await setUp('gemini-2.5-flash');
    await agent.run('Plan two nights in Oslo.');
    expect(fake.modelRequests.map((request) => request.status)).toEqual([200, 200, 200, 200]);
    const afterStep2 = sentInRequest(fake, 2);
    expect(afterStep2[4]?.parts[0]?.functionResponse).toEqual({
      name: 'travel_city_map',
      response: { output: 'Map of Oslo centre.' },
    });
    expect(afterStep2[5]).toEqual({
      role: 'user',
      parts: [{ inlineData: { mimeType: 'image/png', data: mapPng } }],
    });
  });
});
