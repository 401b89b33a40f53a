import { getModelCapabilities } from '@gemloop/core/models';
import { describe, expect, it } from 'vitest';
import { checkGenerationConfig } from './check-generation-config.ts';
import type { ContractViolation } from './contract-violation.ts';

// The generationConfig rules the fake enforces as the real API does: unknown fields, ranges,
// thinking settings against the model, schemas against the MIME type, JSON with functions.

const levelModel = getModelCapabilities('gemini-3-flash-preview', {
  thinking: 'level',
  thinkingAlwaysOn: false,
  lowestThinkingLevel: 'MINIMAL',
  highestThinkingLevel: 'HIGH',
  structuredOutputWithTools: true,
});
const proModel = { ...levelModel, lowestThinkingLevel: 'LOW' as const, thinkingAlwaysOn: true };
const budgetModel = getModelCapabilities('gemini-2.5-flash', {
  thinking: 'budget',
  thinkingAlwaysOn: false,
  structuredOutputWithTools: false,
});
const alwaysThinking = { ...budgetModel, thinkingAlwaysOn: true };
const noThinking = getModelCapabilities('gemini-2.0-flash', { thinking: 'none' });

function check(
  body: Record<string, unknown>,
  capabilities = levelModel,
  hasFunctions = false,
  model = 'gemini-test',
): ContractViolation[] {
  const violations: ContractViolation[] = [];
  checkGenerationConfig(body, model, capabilities, hasFunctions, violations);
  return violations;
}
const messages = (violations: ContractViolation[]) =>
  violations.map((violation) =>
    violation.kind === 'semantic'
      ? violation.message
      : violation.kind === 'parse'
        ? violation.description
        : violation.line,
  );

describe('checkGenerationConfig', () => {
  it('passes a body without a config, or with an empty or null one', () => {
    expect(check({})).toEqual([]);
    expect(check({ generationConfig: {} })).toEqual([]);
    expect(check({ generationConfig: null })).toEqual([]);
  });

  it('refuses a scalar config as the proto parser does', () => {
    for (const value of ['hot', 42, true]) {
      expect(messages(check({ generationConfig: value }))).toEqual([
        `Invalid value at 'generation_config' (type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig), ${JSON.stringify(value)}`,
      ]);
    }
  });

  it('reads the snake_case spelling too', () => {
    expect(messages(check({ generation_config: { temprature: 1 } }))).toEqual([
      `Invalid JSON payload received. Unknown name "temprature" at 'generation_config': Cannot find field.`,
    ]);
  });

  it('names an own __proto__ key as unknown and is not fooled by it', () => {
    const config = JSON.parse('{"__proto__": {"temperature": 99}, "topK": 3}');
    expect(messages(check({ generationConfig: config }))).toEqual([
      `Invalid JSON payload received. Unknown name "__proto__" at 'generation_config': Cannot find field.`,
    ]);
  });

  it('refuses numbers out of range in the API wording, in both spellings', () => {
    expect(messages(check({ generationConfig: { temperature: 2.5, top_p: -0.1 } }))).toEqual([
      'Unable to submit request because it has a temperature value of 2.5 but the supported range is from 0 (inclusive) to 2 (inclusive). Update the value and try again.',
      'Unable to submit request because it has a topP value of -0.1 but the supported range is from 0 (inclusive) to 1 (inclusive). Update the value and try again.',
    ]);
    expect(check({ generationConfig: { temperature: 0, topP: 1, candidateCount: 0 } })).toEqual([]);
    expect(messages(check({ generationConfig: { candidateCount: -1 } }))).toHaveLength(1);
  });

  it('leaves a number of the wrong JSON type to the proto parser', () => {
    expect(check({ generationConfig: { temperature: '99' } })).toEqual([]);
  });

  it('refuses a maxOutputTokens beyond a known model limit', () => {
    const refused = messages(
      check(
        { generationConfig: { maxOutputTokens: 10_000_000 } },
        levelModel,
        false,
        'gemini-2.5-flash',
      ),
    );
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(
      /^Unable to submit request because it has a maxOutputTokens value of 10000000 but the supported range is from 1 \(inclusive\) to \d+ \(exclusive\)\./,
    );
    expect(
      check({ generationConfig: { maxOutputTokens: 10_000_000 } }, levelModel, false, 'my-proxy'),
    ).toEqual([]);
  });

  it('refuses both a thinking level and a budget', () => {
    expect(
      messages(
        check({
          generationConfig: { thinkingConfig: { thinkingLevel: 'LOW', thinkingBudget: 10 } },
        }),
      ),
    ).toEqual(['You can only set only one of thinking budget and thinking level.']);
  });

  it('refuses thinking settings on a model without thinking', () => {
    expect(
      messages(check({ generationConfig: { thinkingConfig: { thinkingBudget: 0 } } }, noThinking)),
    ).toEqual(['thinking_config is not supported.']);
    expect(
      messages(
        check(
          { generationConfig: { thinkingConfig: { includeThoughts: true } } },
          noThinking,
          false,
          'gemini-2.0-flash',
        ),
      ),
    ).toEqual(['Thinking is not enabled for models/gemini-2.0-flash']);
    expect(
      check({ generationConfig: { thinkingConfig: { includeThoughts: false } } }, noThinking),
    ).toEqual([]);
  });

  it('refuses a level on a budget model and budget 0 where thinking is always on', () => {
    expect(
      messages(
        check({ generationConfig: { thinkingConfig: { thinkingLevel: 'HIGH' } } }, budgetModel),
      ),
    ).toEqual(['Thinking level is not supported for this model.']);
    expect(
      messages(
        check({ generationConfig: { thinkingConfig: { thinking_budget: 0 } } }, alwaysThinking),
      ),
    ).toEqual(['Budget 0 is invalid. This model only works in thinking mode.']);
    expect(
      check({ generationConfig: { thinkingConfig: { thinkingBudget: 0 } } }, budgetModel),
    ).toEqual([]);
  });

  it('refuses MINIMAL where the model starts at LOW, in any letter case', () => {
    for (const level of ['MINIMAL', 'minimal', 'Minimal']) {
      expect(
        messages(
          check({ generationConfig: { thinkingConfig: { thinkingLevel: level } } }, proModel),
        ),
        level,
      ).toEqual(['Thinking level MINIMAL is not supported for this model.']);
    }
    expect(
      check({ generationConfig: { thinkingConfig: { thinkingLevel: 'minimal' } } }, levelModel),
    ).toEqual([]);
  });

  it('refuses XHIGH unless the model reaches it', () => {
    expect(
      messages(check({ generationConfig: { thinkingConfig: { thinkingLevel: 'xhigh' } } })),
    ).toEqual(['Thinking level XHIGH is not supported for this model.']);
    expect(
      check(
        { generationConfig: { thinkingConfig: { thinkingLevel: 'XHIGH' } } },
        { ...levelModel, highestThinkingLevel: 'XHIGH' },
      ),
    ).toEqual([]);
  });

  it('refuses response schemas that conflict or lack their MIME type', () => {
    expect(
      messages(
        check({
          generationConfig: {
            responseMimeType: 'application/json',
            responseSchema: { type: 'OBJECT' },
            responseJsonSchema: { type: 'object' },
          },
        }),
      ),
    ).toEqual(['response_schema must not be set when response_json_schema is set.']);
    expect(messages(check({ generationConfig: { responseSchema: { type: 'STRING' } } }))).toEqual([
      "Response_schema with a response mime type 'text/plain' is unsupported.",
    ]);
    expect(
      messages(check({ generationConfig: { responseMimeType: '', _responseJsonSchema: {} } })),
    ).toEqual(["Response_json_schema with a response mime type 'text/plain' is unsupported."]);
    expect(
      check({
        generationConfig: { responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING' } },
      }),
    ).toEqual([]);
  });

  it('refuses JSON output with functions before Gemini 3 unless calling is off', () => {
    const body = { generationConfig: { responseMimeType: 'application/json' } };
    expect(messages(check(body, budgetModel, true))).toEqual([
      "Function calling with a response mime type: 'application/json' is unsupported",
    ]);
    expect(
      check(
        { ...body, tool_config: { function_calling_config: { mode: 'NONE' } } },
        budgetModel,
        true,
      ),
    ).toEqual([]);
    expect(check(body, budgetModel, false)).toEqual([]);
    expect(check(body, levelModel, true)).toEqual([]);
  });
});
