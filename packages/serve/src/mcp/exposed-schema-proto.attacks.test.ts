import { defineTool, jsonSchema } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { ListToolsResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { agentOnFake } from '../__fixtures__/order-fixtures.ts';
import { serveMcp } from './__fixtures__/serve-mcp.ts';
import { createMcpServer } from './create-mcp-server.ts';

// An exposed tool whose parameter schema has a key named `__proto__` (a parameter, or a key
// inside one): the MCP SDK's client reads tools/list through zod, which drops an own `__proto__`
// key (leftovers49), so the client was shown a schema without the parameter (and a `required`
// naming one it cannot see) and could never send it. The door refuses such a tool when it is
// made, naming the tool, the place and the fix; every other schema is listed as declared. A
// `__proto__` deeper (inside a parameter's own schema) reaches this SDK's client, but is refused
// too: one rule, and a client that copies a schema by assignment sets a prototype from it.

const toolWith = (name: string, schemaText: string) =>
  defineTool({
    name,
    description: 'Echoes its arguments.',
    parameters: jsonSchema(JSON.parse(schemaText) as Record<string, unknown>),
    execute: (args) => args,
  });

const ROOT_PARAMETER =
  '{"type":"object","properties":{"__proto__":{"type":"string"},"b":{"type":"string"}},"required":["__proto__"]}';
const NESTED_PARAMETER =
  '{"type":"object","properties":{"o":{"type":"object","properties":{"__proto__":{"type":"string"}}}}}';

describe('an exposed tool with a __proto__ key in its parameter schema', () => {
  it('the SDK client drops the key from tools/list (why the door refuses it)', () => {
    const listed = ListToolsResultSchema.parse(
      JSON.parse(`{"tools":[{"name":"t","inputSchema":${ROOT_PARAMETER}}]}`),
    );
    expect(Object.keys(listed.tools[0]?.inputSchema.properties ?? {})).toEqual(['b']);
  });

  it.each([
    ['a parameter (jsonSchema)', ROOT_PARAMETER, 'properties.__proto__'],
    ['a key inside a parameter', NESTED_PARAMETER, 'properties.o.properties.__proto__'],
  ])(
    '%s: createMcpServer refuses it naming the tool, the place and the fix',
    (_name, schema, at) => {
      const { agent } = agentOnFake([]);
      let thrown: unknown;
      try {
        createMcpServer({ agents: { support: agent }, exposeTools: [toolWith('lookup', schema)] });
      } catch (error) {
        thrown = error;
      }
      expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
      expect(thrown).toMatchObject({ argument: 'exposeTools' });
      const message = (thrown as Error).message;
      expect(message).toContain('"lookup"');
      expect(message).toContain(at);
      expect(message).toContain('rename');
    },
  );

  it('a zod parameter named __proto__ is refused already by defineTool (attack68b: zod drops it)', () => {
    // zod's own parse drops the key before execute, so core refuses the tool where it is defined,
    // before it can reach the door; the message names the tool and the place as the door's does.
    const { agent } = agentOnFake([]);
    expect(() => {
      const tool = defineTool({
        name: 'zodded',
        description: 'Echoes.',
        parameters: z.object({ ['__proto__']: z.string() }),
        execute: (args) => args,
      });
      createMcpServer({ agents: { support: agent }, exposeTools: [tool] });
    }).toThrow(/"zodded".*properties\.__proto__/);
  });

  it('other schemas reach the real SDK client as declared (constructor, prototype, toString keep)', async () => {
    const tool = toolWith(
      'lookup',
      '{"type":"object","properties":{"constructor":{"type":"string"},"prototype":{"type":"number"},"toString":{"type":"object","properties":{"hasOwnProperty":{"type":"boolean"}}}},"required":["constructor"]}',
    );
    const { httpClient } = await serveMcp([], { door: { exposeTools: [tool] } });
    const { client } = await httpClient();
    const { tools } = await client.listTools();
    const listed = tools.find((each) => each.name === 'lookup');
    expect(listed?.inputSchema).toEqual(tool.declaration.parametersJsonSchema);
  });
});
