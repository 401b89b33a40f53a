import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod-v3';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { jsonSchema } from '../schema/json-schema.ts';
import { defineTool } from './define-tool.ts';
import type { ToolParameters } from './resolve-tool-parameters.ts';

const execute = (): string => 'ok';

// Parameter resolution, through defineTool: plain JSON Schemas, other Standard Schemas, roots
// that are not objects, types JSON cannot carry.
describe('resolveToolParameters', () => {
  it('sends a plain JSON Schema cleaned, and validates against it', () => {
    const tool = defineTool({
      name: 'add_items',
      parameters: jsonSchema<{ items: { qty: number }[] }>({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        title: 'AddItems',
        type: 'object',
        properties: {
          items: {
            type: 'array',
            items: {
              type: 'object',
              properties: { qty: { type: 'integer', minimum: 1 } },
              required: ['qty'],
            },
          },
        },
        required: ['items'],
        additionalProperties: false,
      }),
      execute: ({ items }) => items.length,
    });
    expect(tool.parametersSource).toBe('json-schema');
    expect(tool.declaration.parametersJsonSchema).toEqual({
      type: 'object',
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object',
            properties: { qty: { type: 'integer', minimum: 1 } },
            required: ['qty'],
          },
        },
      },
      required: ['items'],
      additionalProperties: false,
    });
    expect(tool.parseArgs({ items: [{ qty: 2 }] })).toEqual({
      success: true,
      value: { items: [{ qty: 2 }] },
    });
    const result = tool.parseArgs({ items: [{ qty: 2 }, { qty: 0 }, {}], note: 'x' });
    expect(result).toEqual({
      success: false,
      issues: [
        { path: ['items', 1, 'qty'], message: '0 is less than 1.' },
        { path: ['items', 2, 'qty'], message: 'Required property is missing.' },
        { path: ['note'], message: 'Unknown property: it is not in the parameter schema.' },
      ],
    });
  });

  it('validates draft-07 JSON Schemas by their own rules', () => {
    const tool = defineTool({
      name: 'pair',
      parameters: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] } },
      },
      execute,
    });
    expect(tool.parseArgs({ pair: ['a', 1] }).success).toBe(true);
    expect(tool.parseArgs({ pair: ['a', 'b'] })).toEqual({
      success: false,
      issues: [
        { path: ['pair', 1], message: 'Instance type "string" is invalid. Expected "number".' },
      ],
    });
  });

  it('reports the failing union as one issue instead of every branch', () => {
    const tool = defineTool({
      name: 'pick',
      parameters: {
        type: 'object',
        properties: { id: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
      },
      execute,
    });
    expect(tool.parseArgs({ id: true })).toEqual({
      success: false,
      issues: [{ path: ['id'], message: 'Instance does not match any subschemas.' }],
    });
  });

  it.each([
    [{ type: 'string' }, 'type "string"'],
    [{ anyOf: [{ type: 'object' }] }, 'a schema with anyOf'],
    [{}, 'an empty schema'],
  ])('rejects a JSON Schema root that is not an object: %j', (parameters, found) => {
    const define = () => defineTool({ name: 'bad', parameters, execute });
    expect(define).toThrow(InvalidArgumentError);
    expect(define).toThrow(
      `must describe an object of named parameters (type "object" with properties), got ${found}`,
    );
  });

  it('adds type "object" to a JSON Schema root that only has properties', () => {
    const tool = defineTool({
      name: 'lookup',
      parameters: { properties: { city: { type: 'string' } } },
      execute,
    });
    expect(tool.declaration.parametersJsonSchema).toEqual({
      type: 'object',
      properties: { city: { type: 'string' } },
    });
  });

  it.each([
    ['zod 4 string', z.string()],
    ['zod 4 union', z.union([z.object({ a: z.string() }), z.object({ b: z.string() })])],
    ['zod 3 string', z3.string()],
  ])('rejects a %s root with a hint to wrap it', (_label, schema) => {
    // Typed loosely, as from JavaScript: in TypeScript a non-object schema is a type error.
    const parameters: ToolParameters = schema;
    expect(() => defineTool({ name: 'bad', parameters, execute })).toThrow(
      /must describe an object of named parameters.*wrap other types in a property/,
    );
  });

  it.each([
    ['zod 4', z.object({ when: z.date() }), /Date cannot be represented/],
    [
      'zod 3',
      z3.object({ when: z3.date() }),
      /ZodDate at properties\/when cannot be represented in JSON.*z\.string\(\)\.datetime\(\)/,
    ],
  ])('rejects %s types JSON cannot carry, naming the tool', (_label, parameters, detail) => {
    const define = () => defineTool({ name: 'schedule', parameters, execute });
    expect(define).toThrow(InvalidArgumentError);
    expect(define).toThrow(/parameters of tool "schedule" cannot be converted to JSON Schema/);
    expect(define).toThrow(detail);
  });

  it('accepts zod 3 coerced dates, which parse from strings', () => {
    const tool = defineTool({
      name: 'schedule',
      parameters: z3.object({ when: z3.coerce.date() }),
      execute,
    });
    const result = tool.parseArgs({ when: '2026-01-02T03:04:05Z' });
    expect(result.success && result.value.when instanceof Date).toBe(true);
  });

  it('accepts any Standard Schema that implements Standard JSON Schema', () => {
    const validate = vi.fn((value: unknown) => ({ value }));
    const parameters = {
      '~standard': {
        version: 1 as const,
        vendor: 'acme',
        validate,
        jsonSchema: {
          input: () => ({ type: 'object', properties: { a: { type: 'string' } } }),
        },
      },
    };
    const tool = defineTool({ name: 'acme', parameters, execute });
    expect(tool.parametersSource).toBe('standard-schema');
    expect(tool.declaration.parametersJsonSchema).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
    });
    expect(tool.parseArgs({ a: 'x' })).toEqual({ success: true, value: { a: 'x' } });
    expect(validate).toHaveBeenCalledWith({ a: 'x' });
  });

  it('rejects a Standard Schema that cannot produce JSON Schema', () => {
    const parameters = {
      '~standard': {
        version: 1 as const,
        vendor: 'acme',
        validate: (value: unknown) => ({ value }),
      },
    };
    expect(() => defineTool({ name: 'acme', parameters, execute })).toThrow(
      /Standard Schema \(acme\) that cannot produce a JSON Schema/,
    );
  });

  it('throws a clear error when the schema needs async validation', async () => {
    const tool = defineTool({
      name: 'check',
      parameters: z.object({ path: z.string().refine(async () => true) }),
      execute,
    });
    expect(() => tool.parseArgs({ path: '/tmp' })).toThrow(
      /needs async validation.*Do the async check in execute/,
    );
  });

  it('throws the error of a check that throws, not the async one (zod answers both with a Promise)', () => {
    const failure = new Error('unit table not loaded');
    const fails = (): never => {
      throw failure;
    };
    for (const parameters of [
      z.object({ unit: z.string().transform(fails) }),
      z.object({ unit: z.string().refine(fails) }),
      z3.object({ unit: z3.string().transform(fails) }),
    ]) {
      const tool = defineTool({ name: 'convert', parameters, execute });
      expect(() => tool.parseArgs({ unit: 'kg' })).toThrow(failure);
      // Arguments the check is never reached with are still answered with their issues.
      expect(tool.parseArgs({ unit: 1 })).toMatchObject({ success: false });
    }
  });
});
