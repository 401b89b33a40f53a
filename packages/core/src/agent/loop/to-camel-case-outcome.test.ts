import { describe, expect, it } from 'vitest';
import type { GenerateContentResponse } from '../../wire/response.ts';
import type { ModelCallOutcome } from './call-model.ts';
import { toCamelCaseOutcome } from './to-camel-case-outcome.ts';

const record = {} as ModelCallOutcome['record'];
const outcomeOf = (response: unknown, interrupted?: true): ModelCallOutcome => ({
  response: response as GenerateContentResponse,
  record,
  ...(interrupted === undefined ? {} : { interrupted }),
});

describe('toCamelCaseOutcome', () => {
  it('renames proto field names at every depth, keeping the keys of args and response as data', () => {
    const response = JSON.parse(
      JSON.stringify({
        candidates: [
          {
            content: {
              role: 'model',
              parts: [
                { inline_data: { mime_type: 'image/png', data: 'AAAA' } },
                { function_call: { name: 'f', args: { snake_key: { inner_key: 1 } } } },
                { tool_response: { id: 't', response: { search_results: [] } } },
                { executable_code: { language: 'PYTHON', code: 'x_y = 1' } },
              ],
            },
            finish_reason: 'STOP',
            grounding_metadata: { web_search_queries: ['q'] },
          },
        ],
        usage_metadata: { prompt_token_count: '3', total_token_count: 3 },
        _private_field: 1,
        // An own `__proto__` key, as JSON.parse keeps one a server sent.
      }).replace(/^\{/, '{"__proto__":{"polluted":true},'),
    );
    const { response: renamed } = toCamelCaseOutcome(outcomeOf(response));
    // `__proto__` stays an own data key, never the copy's prototype.
    expect(Object.getPrototypeOf(renamed)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(renamed, '__proto__')?.value).toEqual({
      polluted: true,
    });
    const entries = Object.entries(renamed).filter(([key]) => key !== '__proto__');
    expect(Object.fromEntries(entries)).toEqual({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
              { functionCall: { name: 'f', args: { snake_key: { inner_key: 1 } } } },
              { toolResponse: { id: 't', response: { search_results: [] } } },
              { executableCode: { language: 'PYTHON', code: 'x_y = 1' } },
            ],
          },
          finishReason: 'STOP',
          groundingMetadata: { webSearchQueries: ['q'] },
        },
      ],
      // Counts read as a unary body's are (a digit string becomes its number).
      usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 },
      // A leading `_` is no word break (and `__proto__` stays itself).
      _privateField: 1,
    });
    // The response given is not changed.
    expect(response.usage_metadata.prompt_token_count).toBe('3');
  });

  it('keeps a camelCase value over its snake_case twin, in either order', () => {
    const { response } = toCamelCaseOutcome(
      outcomeOf({
        candidates: [{ finish_reason: 'SAFETY', finishReason: 'STOP', to_string: 'kept' }],
        usageMetadata: { totalTokenCount: 2 },
        usage_metadata: { total_token_count: 9 },
      }),
    );
    expect(response).toEqual({
      candidates: [{ finishReason: 'STOP', toString: 'kept' }],
      usageMetadata: { totalTokenCount: 2 },
    });
  });

  it('a stream taken for cut is not when the renamed answer has a finish reason or a block', () => {
    const finished = outcomeOf({ candidates: [{ finish_reason: 'STOP' }] }, true);
    expect(toCamelCaseOutcome(finished).interrupted).toBeUndefined();
    const blocked = outcomeOf({ prompt_feedback: { block_reason: 'SAFETY' } }, true);
    expect(toCamelCaseOutcome(blocked).interrupted).toBeUndefined();
    const cut = outcomeOf({ candidates: [{ content: { parts: [] } }], usage_metadata: {} }, true);
    expect(toCamelCaseOutcome(cut).interrupted).toBe(true);
  });

  it('refuses a renamed answer that is no GenerateContentResponse, naming the field and the fix', () => {
    expect(() =>
      toCamelCaseOutcome(
        outcomeOf({ candidates: [{ content: { parts: [{ thought_signature: 7 }] } }] }),
      ),
    ).toThrow(
      /snake_case field names .*`candidates\[0\]\.content\.parts\[0\]\.thoughtSignature` must be a string.*camelCase JSON/,
    );
  });
});
