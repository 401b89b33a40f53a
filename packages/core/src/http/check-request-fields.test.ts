import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { checkGenerationConfig, checkRequestFields } from './check-request-fields.ts';

// The cheap check of the request fields gemloop knows the shape of, before anything is sent: a
// computed NaN temperature would go out as `null` (unset) and the model's default would answer.

function refusal(action: () => void): InvalidArgumentError {
  try {
    action();
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
    return error as InvalidArgumentError;
  }
  throw new Error('expected an InvalidArgumentError');
}

const check = (body: Record<string, unknown>) => checkRequestFields(body, 'request');

describe('checkRequestFields', () => {
  it('takes a full, valid body and any field it does not know', () => {
    expect(() =>
      check({
        contents: 'not looked at',
        generationConfig: { temperature: 0, topP: 1, thinkingConfig: { thinkingBudget: -1 } },
        tools: [{ functionDeclarations: [] }, { googleSearch: {} }],
        safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }],
        toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
        cachedContent: 'cachedContents/abc',
        continuationToken: 'tok',
        brandNewField: { anything: true },
      }),
    ).not.toThrow();
  });

  it('reads null as unset everywhere, as proto3 JSON does', () => {
    expect(() =>
      check({
        generationConfig: null,
        tools: null,
        safetySettings: null,
        toolConfig: null,
        cachedContent: null,
        continuationToken: null,
      }),
    ).not.toThrow();
    expect(() =>
      check({ generationConfig: { temperature: null, thinkingConfig: null } }),
    ).not.toThrow();
  });

  it('refuses NaN and Infinity in every numeric field, either spelling, saying why', () => {
    for (const key of [
      'temperature',
      'topP',
      'top_k',
      'candidateCount',
      'max_output_tokens',
      'presencePenalty',
      'frequency_penalty',
      'seed',
      'logprobs',
    ]) {
      const error = refusal(() => check({ generationConfig: { [key]: Number.NaN } }));
      expect(error.argument).toBe(`request.generationConfig.${key}`);
      expect(error.message).toContain('JSON would send it as null');
    }
    expect(
      refusal(() => check({ generationConfig: { topK: Number.NEGATIVE_INFINITY } })).message,
    ).toContain('got -Infinity');
  });

  it('takes numbers written as strings, as ProtoJSON does, and refuses strings that are no finite number', () => {
    expect(() =>
      check({
        generationConfig: {
          temperature: '0.5',
          topP: '1',
          top_k: '40',
          maxOutputTokens: '8192',
          presencePenalty: '-0.25',
          seed: '-7',
          frequencyPenalty: '1e-3',
          thinkingConfig: { thinkingBudget: '-1' },
        },
      }),
    ).not.toThrow();
    for (const text of [
      'NaN',
      'Infinity',
      '-Infinity',
      '',
      ' 1',
      '0.5 ',
      '1,5',
      '0x10',
      '-',
      'e5',
      '1e999',
    ]) {
      const error = refusal(() => check({ generationConfig: { temperature: text } }));
      expect(error.argument, text).toBe('request.generationConfig.temperature');
      expect(error.message, text).toContain('must be a finite number');
      expect(error.message, text).toContain(`; got ${JSON.stringify(text)}`);
    }
  });

  it('takes exactly the JSON number grammar in a string, as protobuf parsers hold quoted numbers to', () => {
    // What every proto3 JSON parser takes (Go's protojson reads the text as one JSON number token).
    for (const text of ['0', '-0', '0.5', '-0.25', '1E+2', '5e-3', '12.50', '2.5e0']) {
      expect(() => check({ generationConfig: { temperature: text } }), text).not.toThrow();
    }
    // Not JSON numbers (conformance: "String values must follow the same syntax rule"): refused
    // here with the fix in the message, instead of a 400 from a strict parser.
    for (const text of ['.5', '+1', '1.', '01', '-01', '1e', '--1', '1e+', '0.5.1', '１']) {
      const error = refusal(() => check({ generationConfig: { temperature: text } }));
      expect(error.argument, text).toBe('request.generationConfig.temperature');
      expect(error.message, text).toContain('or a JSON number in a string ("0.5")');
    }
  });

  it('holds int32 fields to whole numbers in range and float fields to the float range, numbers or strings', () => {
    expect(() =>
      check({
        generationConfig: {
          topK: '1e2',
          candidateCount: 1.0,
          maxOutputTokens: '8192.0',
          seed: -2147483648,
          logprobs: '20',
          temperature: 3.4e38,
          thinkingConfig: { thinkingBudget: '2147483647' },
        },
      }),
    ).not.toThrow();
    for (const [key, value] of [
      ['topK', '1.5'],
      ['topK', 1.5],
      ['top_k', '0.5'],
      ['maxOutputTokens', 2147483648],
      ['seed', '-2147483649'],
      ['candidate_count', true],
    ] as const) {
      const error = refusal(() => check({ generationConfig: { [key]: value } }));
      expect(error.argument, `${key} ${value}`).toBe(`request.generationConfig.${key}`);
      expect(error.message, `${key} ${value}`).toContain('must be an int32 (a whole number)');
    }
    expect(
      refusal(() => check({ generationConfig: { thinkingConfig: { thinkingBudget: 1024.5 } } }))
        .argument,
    ).toBe('request.generationConfig.thinkingConfig.thinkingBudget');
    // A double past the float range is no float (protobuf's parsers: "float out of range").
    for (const value of [1e39, '-1e39']) {
      expect(refusal(() => check({ generationConfig: { topP: value } })).message).toContain(
        'must be a finite number',
      );
    }
  });

  it('reads the snake_case generation_config too', () => {
    expect(refusal(() => check({ generation_config: { temperature: Number.NaN } })).argument).toBe(
      'request.generationConfig.temperature',
    );
  });

  it('refuses a thinking budget that is no finite number, in either spelling', () => {
    expect(
      refusal(() => check({ generationConfig: { thinkingConfig: { thinkingBudget: Number.NaN } } }))
        .argument,
    ).toBe('request.generationConfig.thinkingConfig.thinkingBudget');
    expect(
      refusal(() => check({ generationConfig: { thinking_config: { thinking_budget: 'lots' } } }))
        .argument,
    ).toBe('request.generationConfig.thinkingConfig.thinking_budget');
    expect(
      refusal(() => check({ generationConfig: { thinkingConfig: 'high' } })).message,
    ).toContain(
      "thinkingConfig must be an object such as { thinkingBudget: 1024 } or { thinkingLevel: 'low' }",
    );
  });

  it('refuses a thinking level beside a thinking budget, which the API answers with a 400, in either spelling', () => {
    const both = refusal(() =>
      check({
        generationConfig: { thinkingConfig: { thinkingLevel: 'low', thinkingBudget: 1024 } },
      }),
    );
    expect(both.argument).toBe('request.generationConfig.thinkingConfig');
    expect(both.message).toContain('sets both thinkingLevel and thinkingBudget');
    expect(both.message).toContain('Keep one: thinkingLevel for Gemini 3');
    expect(
      refusal(() =>
        check({
          generation_config: { thinking_config: { thinking_level: 'HIGH', thinking_budget: '0' } },
        }),
      ).message,
    ).toContain('sets both thinking_level and thinking_budget');
    // One of them, or the other unset (null is unset in proto3 JSON): sent as given.
    for (const thinkingConfig of [
      { thinkingLevel: 'low' },
      { thinkingBudget: 0 },
      { thinkingLevel: 'low', thinkingBudget: null },
      { thinking_level: null, thinking_budget: -1, includeThoughts: true },
    ]) {
      expect(() => check({ generationConfig: { thinkingConfig } })).not.toThrow();
    }
  });

  it('refuses tools and safetySettings that are no list of objects, naming the item', () => {
    expect(refusal(() => check({ tools: { googleSearch: {} } })).message).toContain(
      'got an object',
    );
    const item = refusal(() => check({ tools: [{ googleSearch: {} }, 'googleSearch'] }));
    expect(item.argument).toBe('request.tools[1]');
    expect(item.message).toContain('request.tools[1] is "googleSearch"');
    expect(refusal(() => check({ safetySettings: [null] })).argument).toBe(
      'request.safetySettings[0]',
    );
    expect(refusal(() => check({ safetySettings: [[]] })).message).toContain('is an array');
  });

  it('refuses a toolConfig that is no object, an empty continuationToken, a cachedContent that is no string', () => {
    expect(refusal(() => check({ toolConfig: [] })).argument).toBe('request.toolConfig');
    expect(refusal(() => check({ continuationToken: '' })).message).toContain('got ""');
    expect(refusal(() => check({ continuationToken: 5 })).argument).toBe(
      'request.continuationToken',
    );
    expect(refusal(() => check({ cachedContent: { name: 'x' } })).message).toContain(
      'got an object',
    );
  });

  it('quotes at most 40 characters of a wrong string value', () => {
    const error = refusal(() => check({ generationConfig: { temperature: 'w'.repeat(500) } }));
    expect(error.message).toContain(`"${'w'.repeat(40)}..."`);
    expect(error.message).not.toContain('w'.repeat(41));
  });

  it('uses the argument name it is given, for a subagent or a batch line', () => {
    expect(() => checkRequestFields({ tools: 1 }, 'requests[3]')).toThrow(
      /requests\[3\]\.tools|tools must be/,
    );
    expect(refusal(() => checkRequestFields({ tools: 1 }, 'requests[3]')).argument).toBe(
      'requests[3].tools',
    );
  });
});

describe('checkGenerationConfig', () => {
  it('refuses a config that is no object, naming what it got', () => {
    for (const [value, got] of [
      ['hot', '"hot"'],
      [[], 'an array'],
      [0.2, '0.2'],
    ] as const) {
      expect(refusal(() => checkGenerationConfig(value, 'config')).message).toContain(`got ${got}`);
    }
  });

  it('leaves fields it does not know unchecked: new API fields need no release', () => {
    expect(() =>
      checkGenerationConfig({ someFutureKnob: Number.NaN, responseModalities: 'x' }, 'c'),
    ).not.toThrow();
  });
});
