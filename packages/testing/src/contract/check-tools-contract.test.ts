import { getModelCapabilities } from '@gemloop/core/models';
import { describe, expect, it } from 'vitest';
import { checkToolsContract } from './check-tools-contract.ts';
import type { ContractViolation } from './contract-violation.ts';

// The tool rules of the real API as the fake applies them: names, duplicates, schema keys,
// property types, and built-in tools beside functions.

const gemini3 = getModelCapabilities('gemini-3-flash-preview', {
  combinesBuiltinAndFunctionTools: true,
});
const gemini25 = getModelCapabilities('gemini-2.5-flash', {
  combinesBuiltinAndFunctionTools: false,
});

function check(
  body: Record<string, unknown>,
  capabilities = gemini3,
  vertex = false,
): { hasFunctions: boolean; messages: string[] } {
  const violations: ContractViolation[] = [];
  const { hasFunctions } = checkToolsContract(body, 'gemini-x', capabilities, violations, vertex);
  return {
    hasFunctions,
    messages: violations.map((violation) =>
      violation.kind === 'parse'
        ? violation.description
        : violation.kind === 'field'
          ? violation.line
          : violation.message,
    ),
  };
}
const fn = (declaration: Record<string, unknown>) => ({
  tools: [{ functionDeclarations: [declaration] }],
});
const badName =
  'Invalid function name. Must start with a letter or an underscore. Must be a-z, A-Z, 0-9, or contain underscores, dots, colons and dashes, with a maximum length of 128.';

describe('checkToolsContract', () => {
  it('passes a body without tools and reports no functions', () => {
    expect(check({})).toEqual({ hasFunctions: false, messages: [] });
    expect(check({ tools: 'x' })).toEqual({ hasFunctions: false, messages: [] });
    expect(check({ tools: [null, 3, { functionDeclarations: 'x' }] })).toEqual({
      hasFunctions: false,
      messages: [],
    });
  });

  it('takes valid names in both spellings of the declaration list', () => {
    const result = check({
      tools: [
        { function_declarations: [{ name: 'get_weather' }, { name: 'ns.tool:v-1' }] },
        { functionDeclarations: [{ name: `_${'a'.repeat(127)}` }] },
      ],
    });
    expect(result).toEqual({ hasFunctions: true, messages: [] });
  });

  it('refuses names that break the rule: digits first, spaces, emoji, too long, not a string', () => {
    for (const name of [
      '1tool',
      'get weather',
      'tool😀',
      'a'.repeat(129),
      '',
      42,
      null,
      '__proto__ ',
    ]) {
      expect(check(fn({ name })).messages, String(name)).toEqual([
        `* GenerateContentRequest.tools[0].function_declarations[0].name: ${badName}\n`,
      ]);
    }
    expect(check(fn({ name: '__proto__' })).messages).toEqual([]);
  });

  it('refuses a name declared twice, across tools too', () => {
    expect(
      check({
        tools: [
          { functionDeclarations: [{ name: 'a' }] },
          { functionDeclarations: [{ name: 'a' }] },
        ],
      }).messages,
    ).toEqual(['Duplicate function declaration found: a']);
  });

  it('refuses parameters beside parametersJsonSchema', () => {
    expect(
      check(fn({ name: 'a', parameters: { type: 'OBJECT' }, parameters_json_schema: {} })).messages,
    ).toEqual([
      'tools[0].function_declarations[0]: parameters and parameters_json_schema are mutually exclusive; set only one of them.',
    ]);
  });

  it('names schema keys the proto does not know, nested in properties, items and anyOf', () => {
    const { messages } = check(
      fn({
        name: 'a',
        parameters: {
          type: 'OBJECT',
          additionalProperties: false,
          properties: {
            list: { type: 'ARRAY', items: { type: 'STRING', $ref: '#/x' } },
            either: { anyOf: [{ type: 'STRING', const: 'x' }] },
          },
        },
      }),
    );
    const path = 'tools[0].function_declarations[0].parameters';
    expect(messages).toEqual([
      `Invalid JSON payload received. Unknown name "additionalProperties" at '${path}': Cannot find field.`,
      `Invalid JSON payload received. Unknown name "$ref" at '${path}.properties[0].value.items': Cannot find field.`,
      `Invalid JSON payload received. Unknown name "const" at '${path}.properties[1].value.any_of[0]': Cannot find field.`,
    ]);
  });

  it('refuses a property without a type unless it uses anyOf', () => {
    const { messages } = check(
      fn({
        name: 'a',
        parameters: { type: 'OBJECT', properties: { 'city 🏙️': { description: 'where' } } },
      }),
    );
    expect(messages).toEqual([
      '* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties[city 🏙️].type: must be specified when not using one_of, any_of or all_of fields\n',
    ]);
  });

  it('stops at a depth guard on a deeply nested schema instead of overflowing', () => {
    let schema: Record<string, unknown> = { type: 'STRING', bogus: 1 };
    for (let level = 0; level < 10_000; level++) schema = { type: 'ARRAY', items: schema };
    expect(() => check(fn({ name: 'a', parameters: schema }))).not.toThrow();
  });

  it('refuses built-in tools beside functions on 2.x and, without circulation, on Gemini 3', () => {
    const body = {
      tools: [{ googleSearch: {} }, { functionDeclarations: [{ name: 'a' }] }],
    };
    const refusal = 'Tool use with function calling is unsupported by the model.';
    expect(check(body, gemini25).messages).toEqual([refusal]);
    expect(check(body, gemini3).messages).toEqual([refusal]);
    expect(
      check({ ...body, toolConfig: { includeServerSideToolInvocations: true } }, gemini3).messages,
    ).toEqual([]);
    expect(check(body, gemini3, true).messages).toEqual([]);
    expect(
      check({ tools: [{ url_context: {} }, { code_execution: {} }] }, gemini25).messages,
    ).toEqual([]);
  });

  it('refuses circulation on a model that cannot combine tools', () => {
    expect(
      check({ tool_config: { include_server_side_tool_invocations: true } }, gemini25).messages,
    ).toEqual(['Tool call context circulation is not enabled for models/gemini-x']);
  });
});
