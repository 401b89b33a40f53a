import { describe, expect, it } from 'vitest';
import { countDataFields, hasDataField, listDataFields } from './part-fields.ts';

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
      expect(hasDataField(part), name).toBe(true);
      expect(hasDataField({ [name]: null, thought: true }), name).toBe(false);
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
    expect(hasDataField(part)).toBe(false);
    expect(listDataFields(part)).toEqual([]);
  });
});

describe('hasDataField', () => {
  it('agrees with countDataFields > 0 on every subset of the names with null and undefined beside', () => {
    // Seeded: each part sets a random few of the names to data, null or undefined.
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed;
    };
    for (let index = 0; index < 5_000; index++) {
      const part: Record<string, unknown> = { thoughtSignature: 'c2ln' };
      for (const name of names) {
        const roll = next() % 40;
        if (roll === 0) part[name] = name === 'text' ? '' : {};
        else if (roll === 1) part[name] = null;
        else if (roll === 2) part[name] = undefined;
      }
      expect(hasDataField(part), JSON.stringify(part)).toBe(countDataFields(part) > 0);
    }
  });
});
