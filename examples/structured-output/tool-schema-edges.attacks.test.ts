// Tool declarations at the edge of Gemini's rules (attack-core11). gemini-wire.md: a
// FunctionDeclaration's name is a letter or `_`, then letters, digits, `_ . : -`, at most 128; a
// `Tool` holds at most 512 function declarations; `parametersJsonSchema` takes JSON Schema with
// `$defs`/`$ref`, `anyOf`, `enum` of strings and numbers, `propertyOrdering`. What the API takes
// goes out unchanged; what it refuses is refused before a request, naming the tool. Public
// imports only, the fake Gemini on 127.0.0.1.
import {
  createAgent,
  createGemini,
  defineTool,
  GemloopError,
  InvalidArgumentError,
  jsonSchema,
} from '@gemloop/core';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MODEL, outcome, serve } from '../plugins/outside-attack-kit.ts';

type Declaration = { name: string; parametersJsonSchema?: unknown; parameters?: unknown };
const declarationsOf = (body: unknown): Declaration[] =>
  ((body as { tools?: { functionDeclarations?: Declaration[] }[] }).tools ?? []).flatMap(
    (tool) => tool.functionDeclarations ?? [],
  );

const tool = (name: string, parameters: unknown = z.object({ q: z.string() })) =>
  defineTool({
    name,
    description: `Tool ${name}.`,
    parameters: parameters as never,
    execute: (args: unknown) => ({ got: args }),
  });

describe('many tools', () => {
  it('200 tools: all declared in one request, each answered by name', async () => {
    const tools = Array.from({ length: 200 }, (_, i) => tool(`t_${i}`));
    const { fake, gemini } = await serve([turn.call('t_199', { q: 'x' }), turn.text('done')]);
    const agent = createAgent({ gemini, model: MODEL, tools });
    const { result, error } = await outcome(agent, 'run', 'Go.');
    expect(error).toBeUndefined();
    expect(result?.text).toBe('done');
    const declared = declarationsOf(fake.modelRequests[0]?.body);
    expect(declared.map(({ name }) => name)).toEqual(tools.map(({ name }) => name));
  });

  it('512 tools: all declared', async () => {
    const tools = Array.from({ length: 512 }, (_, i) => tool(`t_${i}`));
    const { fake, gemini } = await serve([turn.text('done')]);
    const agent = createAgent({ gemini, model: MODEL, tools });
    const { error } = await outcome(agent, 'run', 'Go.');
    expect(error).toBeUndefined();
    expect(declarationsOf(fake.modelRequests[0]?.body)).toHaveLength(512);
  });

  it('513 tools (the API takes at most 512 declarations): refused by createAgent, naming the 513th', () => {
    const tools = Array.from({ length: 513 }, (_, i) => tool(`t_${i}`));
    let thrown: unknown;
    try {
      createAgent({ gemini: createGemini({ apiKey: 'k' }), model: MODEL, tools });
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect(String((thrown as Error).message)).toMatch(/512/);
    expect(String((thrown as Error).message)).toContain("'t_512'");
  });
});

describe('tool names', () => {
  const legal = [
    'a'.repeat(64),
    'a'.repeat(65),
    `_${'b'.repeat(127)}`,
    'ns.sub-tool:v2',
    '_private.tool',
    'A-b_c.d:e',
  ];
  for (const name of legal) {
    it(`${name.length > 20 ? `${name.length} characters` : name}: declared and called as named`, async () => {
      const { fake, gemini } = await serve([turn.call(name, { q: 'x' }), turn.text('done')]);
      const agent = createAgent({ gemini, model: MODEL, tools: [tool(name)] });
      const { result, error } = await outcome(agent, 'stream', 'Go.');
      expect(error).toBeUndefined();
      expect(result?.text).toBe('done');
      expect(declarationsOf(fake.modelRequests[0]?.body)[0]?.name).toBe(name);
    });
  }
  const illegal = ['a'.repeat(129), '1tool', '-tool', 'tool name', 'tool/x', 'tööl', '.tool', ''];
  for (const name of illegal) {
    it(`${JSON.stringify(name.length > 20 ? `${name.length} characters` : name)}: refused when defined, naming it`, () => {
      let thrown: unknown;
      try {
        tool(name);
      } catch (error) {
        thrown = error;
      }
      expect(GemloopError.isInstance(thrown)).toBe(true);
      if (name.length > 0 && name.length <= 20) {
        expect(String((thrown as Error).message)).toContain(name);
      }
    });
  }
});

describe('JSON Schema the API takes, sent unchanged', () => {
  const schema = {
    type: 'object',
    $defs: {
      point: {
        type: 'object',
        properties: { x: { type: 'number' }, y: { type: 'number' } },
        required: ['x', 'y'],
        propertyOrdering: ['x', 'y'],
      },
    },
    properties: {
      from: { $ref: '#/$defs/point' },
      to: { $ref: '#/$defs/point' },
      level: { enum: [1, 2, 3] },
      mode: { type: 'string', enum: ['fast', 'slow'] },
      note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    },
    required: ['from', 'to', 'level'],
    propertyOrdering: ['from', 'to', 'level', 'mode', 'note'],
  };
  it('$defs/$ref, enum of numbers, anyOf with null, propertyOrdering: declared as written; arguments validated against it', async () => {
    const args = { from: { x: 1, y: 2 }, to: { x: 3, y: 4 }, level: 2, note: null };
    const seen: unknown[] = [];
    const route = defineTool({
      name: 'route',
      description: 'Routes.',
      parameters: jsonSchema(structuredClone(schema)),
      execute: (given) => {
        seen.push(given);
        return { ok: true };
      },
    });
    const { fake, gemini } = await serve([
      turn.call('route', args),
      turn.call('route', { ...args, level: 7 }),
      turn.text('done'),
    ]);
    const agent = createAgent({ gemini, model: MODEL, tools: [route] });
    const { result, error } = await outcome(agent, 'run', 'Go.');
    expect(error).toBeUndefined();
    expect(result?.text).toBe('done');
    const [declared] = declarationsOf(fake.modelRequests[0]?.body);
    const sent = declared?.parametersJsonSchema ?? declared?.parameters;
    // Every keyword the API documents for JSON Schema kept, $ref and the enum of numbers included.
    expect(JSON.stringify(sent)).toContain('"level":{"enum":[1,2,3]}');
    expect(JSON.stringify(sent)).toContain(
      '"propertyOrdering":["from","to","level","mode","note"]',
    );
    expect(seen).toEqual([args]);
    // The second call's level is outside the enum: answered with an error, the tool not run.
    const responses = (
      fake.modelRequests[2]?.body as
        | { contents: { parts: { functionResponse?: { response: unknown } }[] }[] }
        | undefined
    )?.contents.at(-1)?.parts;
    expect(JSON.stringify(responses)).toMatch(/level/);
  });

  it('zod: a union of number literals, a nullable field, a recursive type: sent, arguments read', async () => {
    type Node = { name: string; children: Node[] };
    const node: z.ZodType<Node> = z.lazy(() =>
      z.object({ name: z.string(), children: z.array(node) }),
    );
    const parameters = z.object({
      level: z.union([z.literal(1), z.literal(2)]),
      note: z.string().nullable(),
      tree: node,
    });
    const seen: unknown[] = [];
    const shaped = defineTool({
      name: 'shaped',
      parameters,
      execute: (given) => {
        seen.push(given);
        return 'ok';
      },
    });
    const args = {
      level: 2,
      note: null,
      tree: { name: 'a', children: [{ name: 'b', children: [] }] },
    };
    const { fake, gemini } = await serve([turn.call('shaped', args), turn.text('done')]);
    const agent = createAgent({ gemini, model: MODEL, tools: [shaped] });
    const { result, error } = await outcome(agent, 'stream', 'Go.');
    expect(error).toBeUndefined();
    expect(result?.text).toBe('done');
    expect(seen).toEqual([args]);
    expect(declarationsOf(fake.modelRequests[0]?.body)).toHaveLength(1);
  });
});
