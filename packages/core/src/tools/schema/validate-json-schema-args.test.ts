import { describe, expect, it } from 'vitest';
import { createJsonSchemaArgsValidator } from './validate-json-schema-args.ts';

describe('createJsonSchemaArgsValidator', () => {
  it('unescapes JSON pointers in paths and keeps numeric-looking keys of objects as strings', () => {
    const validate = createJsonSchemaArgsValidator({
      type: 'object',
      properties: {
        'a/b': { type: 'string' },
        'c~d': { type: 'string' },
        'with space': { type: 'string' },
        map: { type: 'object', additionalProperties: { type: 'number' } },
      },
    });
    const result = validate({ 'a/b': 1, 'c~d': 2, 'with space': 3, map: { '0': 'x' } });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.issues.map((issue) => issue.path)).toEqual([
      ['a/b'],
      ['c~d'],
      ['with space'],
      ['map', '0'],
    ]);
  });

  it('checks formats', () => {
    const validate = createJsonSchemaArgsValidator({
      type: 'object',
      properties: { email: { type: 'string', format: 'email' } },
    });
    expect(validate({ email: 'a@example.com' }).success).toBe(true);
    expect(validate({ email: 'nope' })).toEqual({
      success: false,
      issues: [{ path: ['email'], message: 'String does not match format "email".' }],
    });
  });

  it('reports errors behind a $ref at the instance path', () => {
    const validate = createJsonSchemaArgsValidator({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $defs: { Qty: { type: 'integer', minimum: 1 } },
      type: 'object',
      properties: {
        lines: {
          type: 'array',
          items: { type: 'object', properties: { qty: { $ref: '#/$defs/Qty' } } },
        },
      },
    });
    expect(validate({ lines: [{ qty: 1 }, { qty: 0 }] })).toEqual({
      success: false,
      issues: [{ path: ['lines', 1, 'qty'], message: '0 is less than 1.' }],
    });
  });

  it('returns the arguments themselves when valid', () => {
    const validate = createJsonSchemaArgsValidator({ type: 'object' });
    const args = { a: 1 };
    expect(validate(args)).toEqual({ success: true, value: args });
  });
});
