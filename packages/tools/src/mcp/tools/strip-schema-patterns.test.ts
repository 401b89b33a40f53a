import { describe, expect, it } from 'vitest';
import { stripSchemaPatterns } from './strip-schema-patterns.ts';

// A server's regular expressions never run on the model's strings here (one such as ^(a+)+$
// hangs the process on "aaaa...!"): they are dropped from the copy the arguments are checked
// against, and only from places that are schemas.

describe('stripSchemaPatterns', () => {
  it('returns undefined for a schema without a pattern, so the schema is used as it is', () => {
    expect(
      stripSchemaPatterns({
        type: 'object',
        properties: { name: { type: 'string', minLength: 1 } },
        required: ['name'],
      }),
    ).toBeUndefined();
  });

  it('drops pattern at every depth, in properties, items, combinators and definitions', () => {
    const schema = {
      type: 'object',
      properties: {
        id: { type: 'string', pattern: '^(a+)+$' },
        list: { type: 'array', items: { type: 'string', pattern: '^x' } },
        either: { anyOf: [{ type: 'string', pattern: 'a' }, { type: 'number' }] },
        ref: { $ref: '#/$defs/code' },
      },
      $defs: { code: { type: 'string', pattern: '^[A-Z]{3}$', maxLength: 3 } },
      definitions: { old: { not: { pattern: 'z' } } },
    };
    expect(stripSchemaPatterns(schema)).toEqual({
      type: 'object',
      properties: {
        id: { type: 'string' },
        list: { type: 'array', items: { type: 'string' } },
        either: { anyOf: [{ type: 'string' }, { type: 'number' }] },
        ref: { $ref: '#/$defs/code' },
      },
      $defs: { code: { type: 'string', maxLength: 3 } },
      // A `not` that held a pattern goes whole: `not: {}` would refuse everything.
      definitions: { old: {} },
    });
  });

  it('keeps a property named "pattern", and a pattern that is data of enum, const, default or examples', () => {
    const schema = {
      type: 'object',
      properties: {
        pattern: { type: 'string', pattern: '^p' },
        glob: {
          type: 'object',
          enum: [{ pattern: '*.ts' }],
          const: { pattern: 'x' },
          default: { pattern: 'y' },
          examples: [{ pattern: 'z' }],
        },
      },
    };
    expect(stripSchemaPatterns(schema)).toEqual({
      type: 'object',
      properties: {
        pattern: { type: 'string' },
        glob: {
          type: 'object',
          enum: [{ pattern: '*.ts' }],
          const: { pattern: 'x' },
          default: { pattern: 'y' },
          examples: [{ pattern: 'z' }],
        },
      },
    });
  });

  it('drops patternProperties with the additional and unevaluated rules that depend on it', () => {
    const schema = {
      type: 'object',
      properties: { fixed: { type: 'string' } },
      patternProperties: { '^x-': { type: 'string' } },
      additionalProperties: false,
      unevaluatedProperties: false,
    };
    // Lenient, not strict: without the patterns, "x-anything" must still be accepted here.
    expect(stripSchemaPatterns(schema)).toEqual({
      type: 'object',
      properties: { fixed: { type: 'string' } },
    });
  });

  it('keeps additionalProperties where no patternProperties sits beside it', () => {
    expect(
      stripSchemaPatterns({
        type: 'object',
        additionalProperties: false,
        properties: { a: { type: 'string', pattern: 'a' } },
      }),
    ).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: { a: { type: 'string' } },
    });
  });

  it('drops not, oneOf and if only where a pattern was inside, whatever the nesting', () => {
    const schema = JSON.parse(
      '{"type":"object","not":{"required":["x"]},"oneOf":[{"required":["a"]},{"required":["b"]}],' +
        '"properties":{"p":{"not":{"not":{"pattern":"^a"}}},"q":{"if":{"minLength":2},"then":{"pattern":"z"}}}}',
    );
    expect(stripSchemaPatterns(schema)).toEqual(
      JSON.parse(
        '{"type":"object","not":{"required":["x"]},"oneOf":[{"required":["a"]},{"required":["b"]}],' +
          '"properties":{"p":{},"q":{"if":{"minLength":2},"then":{}}}}',
      ),
    );
  });

  it('leaves a pattern that is no string (no regular expression) where it is', () => {
    expect(stripSchemaPatterns({ type: 'object', pattern: 42 })).toBeUndefined();
  });

  it('copies __proto__ property names as properties, polluting nothing', () => {
    const schema = JSON.parse(
      '{"type":"object","properties":{"__proto__":{"type":"string","pattern":"^a"},"constructor":{"type":"string"}},"__proto__":{"pattern":"x"}}',
    );
    const stripped = stripSchemaPatterns(schema) as Record<string, Record<string, unknown>>;
    expect(Object.keys(stripped['properties'] as object)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(stripped['properties'], '__proto__')?.value).toEqual({
      type: 'string',
    });
    expect(Object.getPrototypeOf(stripped)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(stripped, '__proto__')?.value).toEqual({});
    expect(({} as { pattern?: unknown }).pattern).toBeUndefined();
  });

  it('never changes the schema it was given', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string', pattern: '^a' } },
      patternProperties: { b: {} },
    };
    const before = structuredClone(schema);
    stripSchemaPatterns(schema);
    expect(schema).toEqual(before);
  });

  it('walks a wide schema of 10,000 properties', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 10_000 }, (_, index) => [`p${index}`, { type: 'string', pattern: 'x' }]),
    );
    const stripped = stripSchemaPatterns({ type: 'object', properties }) as {
      properties: Record<string, object>;
    };
    expect(Object.keys(stripped.properties)).toHaveLength(10_000);
    expect(stripped.properties['p9999']).toEqual({ type: 'string' });
  });
});

describe('arguments checked against the stripped schema stay accepted', () => {
  // Dropping a pattern must only ever accept more: under `not`, `oneOf`, `if` or `contains` an
  // emptied subschema would refuse more instead (`not: {}` refuses everything).
  const parseWith = async (property: Record<string, unknown>, value: unknown) => {
    const { Server } = await import('@modelcontextprotocol/sdk/server/index.js');
    const { CallToolRequestSchema, ListToolsRequestSchema } = await import(
      '@modelcontextprotocol/sdk/types.js'
    );
    const { connectInMemory } = await import('../__fixtures__/mcp-test-helpers.ts');
    const { createMcpTools } = await import('./create-mcp-tools.ts');
    const server = new Server({ name: 's', version: '1' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [
        {
          name: 'check',
          inputSchema: { type: 'object', properties: { value: property }, required: ['value'] },
        },
      ],
    }));
    server.setRequestHandler(CallToolRequestSchema, async () => ({ content: [] }));
    const { client } = await connectInMemory(server);
    try {
      const { tools } = await createMcpTools(client);
      return tools[0]?.parseArgs({ value }).success;
    } finally {
      await client.close();
      await server.close();
    }
  };

  it.each([
    ['not', { type: 'string', not: { pattern: '^admin' } }, 'bob'],
    [
      'oneOf',
      {
        oneOf: [
          { type: 'string', pattern: '^a' },
          { type: 'string', pattern: '^b' },
        ],
      },
      'bob',
    ],
    [
      'if/then',
      JSON.parse('{"type":"string","if":{"pattern":"^x"},"then":{"minLength":10}}'),
      'bob',
    ],
    ['contains', { type: 'array', contains: { type: 'string', pattern: '^x' } }, ['xa']],
  ])('%s: a value the server takes is taken here too', async (_case, property, value) => {
    expect(await parseWith(property, value)).toBe(true);
  });
});
