import { describe, expect, it } from 'vitest';
import { checkConfigFields } from './check-config-fields.ts';
import type { ContractViolation } from './contract-violation.ts';

// The generationConfig keys the proto parser knows, in both JSON spellings, and the ranges the
// API enforces on its numbers.

function check(config: Record<string, unknown>, model = 'gemini-2.5-flash'): string[] {
  const violations: ContractViolation[] = [];
  checkConfigFields(config, model, violations);
  return violations.map((violation) =>
    violation.kind === 'parse'
      ? violation.description
      : violation.kind === 'semantic'
        ? violation.message
        : violation.line,
  );
}

describe('checkConfigFields', () => {
  it('takes every field in its proto and its camelCase spelling, and the json_name of the schema field', () => {
    expect(
      check({
        candidate_count: 1,
        stopSequences: [],
        max_output_tokens: 10,
        topK: 3,
        seed: 7,
        responseMimeType: 'application/json',
        response_json_schema: {},
        responseJsonSchema: {},
        _responseJsonSchema: {},
        presencePenalty: 0,
        frequency_penalty: 0,
        responseLogprobs: true,
        logprobs: 2,
        enableEnhancedCivicAnswers: true,
        response_modalities: ['TEXT'],
        speechConfig: {},
        thinking_config: {},
        imageConfig: {},
        mediaResolution: 'MEDIA_RESOLUTION_LOW',
        routingConfig: {},
        modelSelectionConfig: {},
        enableAffectiveDialog: false,
      }),
    ).toEqual([]);
  });

  it('names every unknown key: misspellings, other SDKs names, prototype names', () => {
    const config = JSON.parse(
      '{"temprature": 1, "max_tokens": 5, "maxOutputToken": 3, "__proto__": {}, "constructor": 1}',
    );
    expect(check(config)).toEqual(
      ['temprature', 'max_tokens', 'maxOutputToken', '__proto__', 'constructor'].map(
        (name) =>
          `Invalid JSON payload received. Unknown name "${name}" at 'generation_config': Cannot find field.`,
      ),
    );
  });

  it('refuses a maxOutputTokens past the model limit, naming the exclusive bound', () => {
    const [message] = check({ maxOutputTokens: 1e9 });
    expect(message).toMatch(
      /^Unable to submit request because it has a maxOutputTokens value of 1000000000 but the supported range is from 1 \(inclusive\) to (\d+) \(exclusive\)\. Update the value and try again\.$/,
    );
    const limit = Number(/to (\d+) \(exclusive\)/.exec(message ?? '')?.[1]) - 1;
    expect(check({ maxOutputTokens: limit })).toEqual([]);
    expect(check({ max_output_tokens: limit + 1 })).toHaveLength(1);
  });

  it('has no upper bound for a model it does not know, nor for candidateCount', () => {
    expect(check({ maxOutputTokens: 1e9 }, 'my-gateway-alias')).toEqual([]);
    expect(check({ candidateCount: 1_000 })).toEqual([]);
  });

  it('checks each spelling of a field given twice', () => {
    expect(check({ topP: 2, top_p: 3 })).toHaveLength(2);
  });

  it('takes the bounds themselves and refuses just past them', () => {
    expect(check({ temperature: 2, topP: 0 })).toEqual([]);
    expect(check({ temperature: 2.000001 })).toHaveLength(1);
    expect(check({ temperature: -0.000001 })).toHaveLength(1);
    expect(check({ temperature: Number.NaN })).toHaveLength(1);
  });
});
