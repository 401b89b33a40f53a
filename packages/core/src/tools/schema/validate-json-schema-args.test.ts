import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
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

  it('names an argument key that is not valid Unicode instead of failing on it', () => {
    // @cfworker/json-schema percent-encodes each key into a JSON pointer, and encodeURI throws
    // "URI malformed" on a lone surrogate: the model read that, not which key to fix.
    const validate = createJsonSchemaArgsValidator({
      type: 'object',
      properties: { tags: { type: 'object', additionalProperties: { type: 'number' } } },
    });
    const args = JSON.parse('{"tags": {"ok": 1, "bad\\ud800": 2}}') as unknown;
    expect(validate(args)).toEqual({
      success: false,
      issues: [
        {
          path: ['tags'],
          message:
            'The key "bad\\ud800" is not valid Unicode text (it holds half of a surrogate pair). Use plain text keys.',
        },
      ],
    });
  });

  it('returns the arguments themselves when valid', () => {
    const validate = createJsonSchemaArgsValidator({ type: 'object' });
    const args = { a: 1 };
    expect(validate(args)).toEqual({ success: true, value: args });
  });
});

describe('createJsonSchemaArgsValidator on a flat object schema (checked in code, not by the validator)', () => {
  const cfworker = createRequire(import.meta.url)('@cfworker/json-schema') as {
    Validator: { prototype: { validate(instance: unknown): unknown } };
  };
  const task = {
    type: 'object',
    properties: { task: { type: 'string', description: 'What to do.' } },
    required: ['task'],
    additionalProperties: false,
  };
  const mixed = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    title: 'Order',
    properties: {
      id: { type: 'integer' },
      amount: { type: 'number', title: 'Amount' },
      note: { type: 'string' },
      urgent: { type: 'boolean' },
    },
    required: ['id', 'amount'],
  };
  const inputs = [
    {},
    { task: 'Find the order.' },
    { task: '' },
    { task: 5 },
    { task: null },
    { task: ['a'] },
    { task: { text: 'a' } },
    { task: true },
    { task: 'x', extra: 1 },
    { extra: 1 },
    JSON.parse('{"task":"a","__proto__":1}'),
    JSON.parse('{"task":"a","constructor":1}'),
    { id: 7, amount: 1.5 },
    { id: 7.5, amount: 1 },
    { id: '7', amount: 1 },
    { id: 7, amount: 1, note: 'n', urgent: false, other: [1] },
    { id: 7, amount: 1, urgent: 'yes' },
    { id: 7 },
  ];

  it.each([
    ['{ task }, no other key', task],
    ['integer, number, string and boolean properties, other keys allowed', mixed],
  ])('gives the validator’s own verdict and issues for %s', (_label, schema) => {
    const validate = createJsonSchemaArgsValidator(schema);
    const reference = new (
      cfworker.Validator as unknown as new (
        schema: unknown,
        draft: string,
        shortCircuit: boolean,
      ) => { validate(instance: unknown): { valid: boolean } }
    )(schema, '2020-12', false);
    for (const args of inputs) {
      const result = validate(args);
      expect(result.success, JSON.stringify(args)).toBe(reference.validate(args).valid);
    }
    // The issues of what it refuses are the validator's (it only accepts in code).
    expect(validate({ task: 5 })).toEqual(
      schema === task
        ? {
            success: false,
            issues: [
              { path: ['task'], message: 'Instance type "number" is invalid. Expected "string".' },
            ],
          }
        : expect.objectContaining({ success: false }),
    );
  });

  it('accepts valid arguments without running the validator, and leaves other schemas to it', () => {
    const validate = vi.spyOn(cfworker.Validator.prototype, 'validate');
    try {
      expect(createJsonSchemaArgsValidator(task)({ task: 'Go.' }).success).toBe(true);
      expect(createJsonSchemaArgsValidator(mixed)({ id: 1, amount: 2 }).success).toBe(true);
      expect(validate).not.toHaveBeenCalled();
      // A property of another type, a keyword it does not know, a `type` of Object's prototype.
      for (const schema of [
        { type: 'object', properties: { tags: { type: 'array' } } },
        { type: 'object', properties: { task: { type: 'string', minLength: 3 } } },
        { type: 'object', properties: { task: { type: 'string' } }, minProperties: 1 },
        { type: 'object', properties: { task: { type: 'constructor' } } },
      ]) {
        createJsonSchemaArgsValidator(schema)({ task: 'Go.' });
      }
      expect(validate).toHaveBeenCalledTimes(4);
    } finally {
      validate.mockRestore();
    }
  });
});
