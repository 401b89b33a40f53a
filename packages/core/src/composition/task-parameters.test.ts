import { describe, expect, it } from 'vitest';
import { resolveToolParameters } from '../tools/define/resolve-tool-parameters.ts';
import { createJsonSchemaArgsValidator } from '../tools/schema/validate-json-schema-args.ts';
import { TASK_PARAMETERS } from './task-parameters.ts';

const schema = TASK_PARAMETERS['~standard'].jsonSchema.input({ target: 'draft-2020-12' });
const byJsonSchema = createJsonSchemaArgsValidator(schema);
const bySubagent = resolveToolParameters(TASK_PARAMETERS, 'research').parse;

describe("a subagent's default { task } parameters", () => {
  it.each([
    ['a task', { task: 'Find the order.' }],
    ['an empty task', { task: '' }],
    ['no task', {}],
    ['a number', { task: 5 }],
    ['a fraction', { task: 1.5 }],
    ['null', { task: null }],
    ['an array', { task: ['a'] }],
    ['an object', { task: { text: 'a' } }],
    ['a boolean', { task: true }],
    ['an extra key', { task: 'x', extra: 1 }],
    ['only an extra key', { extra: 1 }],
    ['two extra keys', { a: 1, task: 'x', b: 2 }],
    ['an own __proto__ key (JSON.parse makes one)', JSON.parse('{"task":"a","__proto__":1}')],
  ])('give the JSON Schema validator’s verdict for %s', (_label, args) => {
    expect(bySubagent(args)).toEqual(byJsonSchema(args));
  });

  it('are declared as the JSON Schema, and refuse what is not an object first', () => {
    const resolved = resolveToolParameters(TASK_PARAMETERS, 'research');
    expect(resolved.jsonSchema).toEqual({
      type: 'object',
      properties: { task: { type: 'string', description: expect.any(String) } },
      required: ['task'],
      additionalProperties: false,
    });
    expect(resolved.parse(['task'])).toMatchObject({ success: false });
    expect(resolved.parse('task')).toMatchObject({ success: false });
  });
});
