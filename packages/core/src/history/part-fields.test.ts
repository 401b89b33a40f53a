import { describe, expect, it } from 'vitest';
import { countDataFields, listDataFields } from './part-fields.ts';

const names = [
  'text',
  'inlineData',
  'inline_data',
  'fileData',
  'file_data',
  'functionCall',
  'function_call',
  'functionResponse',
  'function_response',
  'executableCode',
  'executable_code',
  'codeExecutionResult',
  'code_execution_result',
  'toolCall',
  'tool_call',
  'toolResponse',
  'tool_response',
];

describe('countDataFields', () => {
  it('counts what listDataFields lists, for every data field in both spellings', () => {
    for (const name of names) {
      const part = { [name]: name === 'text' ? '' : {}, thoughtSignature: 'c2ln' };
      expect(listDataFields(part), name).toEqual([name]);
      expect(countDataFields(part), name).toBe(1);
    }
    const everything = Object.fromEntries(names.map((name) => [name, {}]));
    expect(countDataFields(everything)).toBe(listDataFields(everything).length);
    expect(countDataFields(everything)).toBe(names.length);
  });

  it('does not count null, undefined or fields that ride alongside data', () => {
    const part = {
      text: null,
      functionCall: undefined,
      thought: true,
      thoughtSignature: 'c2ln',
      videoMetadata: {},
    };
    expect(countDataFields(part)).toBe(0);
    expect(listDataFields(part)).toEqual([]);
  });
});
