import { describe, expect, it } from 'vitest';
import { checkSafetySettings } from './check-safety-settings.ts';
import type { ContractViolation } from './contract-violation.ts';

// The safetySettings the API's proto parser and predicates accept, on the Gemini and Vertex routes.

function check(settings: unknown, vertex = false, key = 'safetySettings'): string[] {
  const violations: ContractViolation[] = [];
  checkSafetySettings({ [key]: settings }, violations, vertex);
  return violations.map((violation) =>
    violation.kind === 'parse'
      ? violation.description
      : violation.kind === 'field'
        ? violation.line
        : violation.message,
  );
}

describe('checkSafetySettings', () => {
  it('takes the supported categories, every threshold and method, in any case or as a number', () => {
    expect(
      check([
        { category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' },
        { category: 'harm_category_harassment', threshold: 'off', method: 'severity' },
        { category: 'HARM_CATEGORY_JAILBREAK', threshold: 'BLOCK_ONLY_HIGH' },
        { category: 8, threshold: 4 },
        { category: null, threshold: null, method: null },
        {},
      ]),
    ).toEqual([]);
  });

  it('leaves shapes that are not a list of objects to other checks', () => {
    expect(check(undefined)).toEqual([]);
    expect(check('HARM_CATEGORY_HATE_SPEECH')).toEqual([]);
    expect(check({ category: 'nope' })).toEqual([]);
    expect(check([null, 'x', 3, []])).toEqual([]);
  });

  it('names unknown keys, __proto__ included, at their index', () => {
    expect(check(JSON.parse('[{}, {"categroy": "x", "__proto__": {}}]'))).toEqual([
      `Invalid JSON payload received. Unknown name "categroy" at 'safety_settings[1]': Cannot find field.`,
      `Invalid JSON payload received. Unknown name "__proto__" at 'safety_settings[1]': Cannot find field.`,
    ]);
  });

  it('refuses an enum value that is no name, quoting it', () => {
    expect(check([{ category: 'HARM_CATEGORY_CUTENESS', threshold: 1.5, method: true }])).toEqual([
      `Invalid value at 'safety_settings[0].category' (type.googleapis.com/google.ai.generativelanguage.v1beta.HarmCategory), "HARM_CATEGORY_CUTENESS"`,
      `Invalid value at 'safety_settings[0].threshold' (type.googleapis.com/google.ai.generativelanguage.v1beta.SafetySetting.HarmBlockThreshold), 1.5`,
      `Invalid value at 'safety_settings[0].method' (type.googleapis.com/google.ai.generativelanguage.v1beta.SafetySetting.HarmBlockMethod), true`,
    ]);
  });

  it('cuts a huge quoted value and never half an emoji', () => {
    const [message] = check([{ category: '😀'.repeat(1000) }]);
    expect(message).toMatch(/\.\.\.$/);
    expect(message?.length).toBeLessThan(300);
    expect(message).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('refuses the legacy categories on the Gemini API with its predicate text', () => {
    expect(check([{ category: 'HARM_CATEGORY_TOXICITY', threshold: 'BLOCK_NONE' }])).toEqual([
      '* GenerateContentRequest.safety_settings[0]: element predicate failed: $.category in (HarmCategory.HARM_CATEGORY_HATE_SPEECH, HarmCategory.HARM_CATEGORY_SEXUALLY_EXPLICIT, HarmCategory.HARM_CATEGORY_DANGEROUS_CONTENT, HarmCategory.HARM_CATEGORY_HARASSMENT, HarmCategory.HARM_CATEGORY_CIVIC_INTEGRITY)\n',
    ]);
  });

  it('takes the image categories and legacy ones on Vertex, with the Vertex type names', () => {
    expect(
      check(
        [
          { category: 'HARM_CATEGORY_IMAGE_HATE', threshold: 'BLOCK_NONE' },
          { category: 'HARM_CATEGORY_TOXICITY' },
        ],
        true,
      ),
    ).toEqual([]);
    expect(check([{ category: 'HARM_CATEGORY_IMAGE_HATE' }])).toEqual([
      `Invalid value at 'safety_settings[0].category' (type.googleapis.com/google.ai.generativelanguage.v1beta.HarmCategory), "HARM_CATEGORY_IMAGE_HATE"`,
    ]);
    expect(check([{ threshold: 'BLOCK_SOME' }], true)).toEqual([
      `Invalid value at 'safety_settings[0].threshold' (type.googleapis.com/google.cloud.aiplatform.v1.SafetySetting.HarmBlockThreshold), "BLOCK_SOME"`,
    ]);
  });

  it('reads the snake_case spelling', () => {
    expect(check([{ category: 'x' }], false, 'safety_settings')).toHaveLength(1);
  });
});
