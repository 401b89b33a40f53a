import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../../agent/create-agent.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../../http/create-gemini.ts';
import type { Part } from '../../wire/content.ts';
import type { GenerateContentBody } from '../../wire/request.ts';
import { defineTool } from '../define/define-tool.ts';
import { googleSearch } from './built-in-tools.ts';
import { mcpServers } from './mcp-servers.ts';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const clock = defineTool({
  name: 'get_time',
  description: 'The time in a city.',
  parameters: z.object({ city: z.string() }),
  execute: () => '12:00',
});

const answeredTurn: Part[] = [
  { functionCall: { name: 'get_forecast', args: { city: 'Paris' } } },
  { functionResponse: { name: 'get_forecast', response: { result: 'sunny' } } },
  { text: 'Sunny in Paris.' },
];

describe('mcpServers()', () => {
  it('sends the servers as a built-in beside the declarations and ends with the answered turn', async () => {
    const { fake, gemini } = await serve([turn.parts(answeredTurn)]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [
        mcpServers({
          name: 'weather',
          url: 'https://weather.example/mcp',
          headers: { authorization: 'Bearer mcp-token' },
          timeout: '30s',
        }),
        clock,
      ],
    });
    const result = await agent.run('Weather in Paris?');
    expect(result.text).toBe('Sunny in Paris.');
    expect(fake.requests).toHaveLength(1);
    const body = fake.requests[0]?.body as GenerateContentBody;
    expect(body.tools).toEqual([
      {
        mcpServers: [
          {
            name: 'weather',
            streamableHttpTransport: {
              url: 'https://weather.example/mcp',
              headers: { authorization: 'Bearer mcp-token' },
              timeout: '30s',
            },
          },
        ],
      },
      { functionDeclarations: [expect.objectContaining({ name: 'get_time' })] },
    ]);
  });

  it('stays on the wire when other built-ins fall back to functions on 2.x', async () => {
    const { fake, gemini } = await serve([turn.text('ok')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [googleSearch(), mcpServers([{ name: 'a', url: 'https://a.example/mcp' }]), clock],
    });
    await agent.run('Hi');
    const body = fake.requests[0]?.body as GenerateContentBody;
    expect(body.tools?.[0]).toEqual({
      mcpServers: [{ name: 'a', streamableHttpTransport: { url: 'https://a.example/mcp' } }],
    });
    expect(body.tools?.[1]?.functionDeclarations?.map((declaration) => declaration.name)).toEqual([
      'get_time',
      'google_search',
    ]);
  });

  it.each([
    [[], 'servers'],
    [{ name: '', url: 'https://a.example' }, 'server.name'],
    [{ name: 'a', url: 'ftp://a.example' }, 'server.url'],
    [{ name: 'a', url: 'https://a.example', timeout: '30' }, 'server.timeout'],
    [{ name: 'a', url: 'https://a.example', headers: { x: 1 } }, 'server.headers'],
    [
      [
        { name: 'a', url: 'https://a.example' },
        { name: 'a', url: 'https://b.example' },
      ],
      'servers[1].name',
    ],
  ])('refuses %j naming %s', (servers, argument) => {
    const make = () => mcpServers(servers as never);
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(expect.objectContaining({ argument }));
  });
});
