import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { demoModel } from './demo-model.ts';

// demoModel's options are refused where they are given, naming the option: a bad
// maxCallsPerTurn used to reach `calls.slice(0, max)`, where -1 silently dropped the last call
// and NaN dropped them all.

describe('demoModel options', () => {
  it('takes nothing, an empty object, or valid options', () => {
    expect(typeof demoModel()).toBe('function');
    expect(typeof demoModel({})).toBe('function');
    expect(typeof demoModel({ modelVersion: 'demo-2', maxCallsPerTurn: 1 })).toBe('function');
    expect(typeof demoModel({ maxCallsPerTurn: undefined, modelVersion: undefined })).toBe(
      'function',
    );
  });

  it('refuses a maxCallsPerTurn that is no whole number of at least 1', () => {
    for (const maxCallsPerTurn of [-1, 0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3', null]) {
      expect(() => demoModel({ maxCallsPerTurn } as never), String(maxCallsPerTurn)).toThrow(
        expect.objectContaining({
          name: 'InvalidArgumentError',
          message: expect.stringContaining('maxCallsPerTurn'),
        }),
      );
    }
  });

  it('refuses a modelVersion that is no string', () => {
    expect(() => demoModel({ modelVersion: 42 } as never)).toThrow(InvalidArgumentError);
  });

  it('names a misspelt option', () => {
    expect(() => demoModel({ maxCalls: 2 } as never)).toThrow(/maxCalls/);
  });

  it('refuses options that are no object', () => {
    for (const options of [null, 'fast', 3]) {
      expect(() => demoModel(options as never)).toThrow(InvalidArgumentError);
    }
  });

  it('reads an options object from JSON with prototype keys as unknown options, not as its prototype', () => {
    expect(() => demoModel(JSON.parse('{"__proto__": {"maxCallsPerTurn": -1}}'))).toThrow(
      /__proto__/,
    );
  });
});
