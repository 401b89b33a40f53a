import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import { compileFlatObjectCheck } from './compile-flat-object-check.ts';
import { createJsonSchemaArgsValidator } from './validate-json-schema-args.ts';

// The full validator as the core loads it (platform/node/load-cfworker.ts requires it from this
// package too, so it is the same module instance): its runs are counted on its prototype, so they
// are seen whichever test file of the worker loaded it first (a vi.mock of the loader is not).
const { Validator } = createRequire(import.meta.url)('@cfworker/json-schema') as {
  Validator: { prototype: { validate(instance: unknown): unknown } };
};

// The default arguments of `subagent()` (composition/subagent.ts).
const TASK = {
  type: 'object',
  properties: { task: { type: 'string', description: 'What to do.' } },
  required: ['task'],
  additionalProperties: false,
};
const FLAT = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    name: { type: 'string' },
    count: { type: 'integer' },
    ratio: { type: 'number' },
    on: { type: 'boolean' },
    nothing: { type: 'null' },
  },
  required: ['name', 'count'],
};

describe('compileFlatObjectCheck', () => {
  it('settles valid arguments of a flat schema without the full validator', () => {
    const validate = createJsonSchemaArgsValidator(TASK);
    const fullRuns = vi.spyOn(Validator.prototype, 'validate');
    try {
      expect(validate({ task: 'Add numbers.' })).toEqual({
        success: true,
        value: { task: 'Add numbers.' },
      });
      expect(fullRuns).not.toHaveBeenCalled();
      // A refusal still comes from the full validator, with its wording.
      expect(validate({ task: 3, extra: true })).toEqual({
        success: false,
        issues: [
          { path: ['task'], message: 'Instance type "number" is invalid. Expected "string".' },
          { path: ['extra'], message: 'Unknown property: it is not in the parameter schema.' },
        ],
      });
      expect(fullRuns).toHaveBeenCalledTimes(1);
    } finally {
      fullRuns.mockRestore();
    }
  });

  it('answers as the full validator does for every argument it is given', () => {
    const cases: [Record<string, unknown>, unknown[]][] = [
      [
        TASK,
        [
          { task: 'x' },
          { task: '' },
          {},
          { task: null },
          { task: 1 },
          { task: 'x', other: 1 },
          { toString: 'x' },
          [],
          null,
          'task',
        ],
      ],
      [
        FLAT,
        [
          { name: 'a', count: 1 },
          { name: 'a', count: 1.5 },
          { name: 'a', count: 1e300 },
          { name: 'a', count: 2, ratio: 0.5, on: false, nothing: null, more: [1] },
          { name: 'a', count: 2, nothing: 0 },
          { name: 'a', count: 2, on: 'yes' },
          { name: 'a' },
          { count: 1 },
        ],
      ],
      [{ type: 'object' }, [{}, { any: 1 }]],
      [{ type: 'object', additionalProperties: false }, [{}, { any: 1 }]],
    ];
    for (const [schema, argsList] of cases) {
      const compiled = createJsonSchemaArgsValidator(schema);
      // `$comment` is not a keyword the compiled check takes: this one is the full validator alone.
      const full = createJsonSchemaArgsValidator({ ...schema, $comment: 'full' });
      for (const args of argsList) expect(compiled(args), JSON.stringify(args)).toEqual(full(args));
    }
  });

  it('leaves every richer schema to the full validator', () => {
    const richer: Record<string, unknown>[] = [
      { type: 'object', properties: { a: { type: 'string', minLength: 1 } } },
      { type: 'object', properties: { a: { type: 'string', enum: ['x'] } } },
      { type: 'object', properties: { a: { type: ['string', 'null'] } } },
      { type: 'object', properties: { a: { type: 'object' } } },
      { type: 'object', properties: { a: { $ref: '#/$defs/a' } }, $defs: { a: {} } },
      { type: 'object', properties: { toString: { type: 'string' } } },
      { type: 'object', required: ['constructor'] },
      { type: 'object', additionalProperties: { type: 'string' } },
      { type: 'object', anyOf: [] },
      { properties: { a: { type: 'string' } } },
      { type: 'object', properties: { a: { type: 'date' } } },
    ];
    for (const schema of richer) expect(compileFlatObjectCheck(schema)).toBeUndefined();
    expect(compileFlatObjectCheck(TASK)).toBeTypeOf('function');
    expect(compileFlatObjectCheck(FLAT)).toBeTypeOf('function');
  });
});
