import { describe, expect, it } from 'vitest';
import { renameToCamelCase } from './rename-to-camel-case.ts';

// The renamer the model call and the other endpoints share: which keys are the API's (renamed)
// and which are the caller's data (kept as spelled).

describe('renameToCamelCase', () => {
  it("renames the API's keys at every depth; a camelCase twin wins", () => {
    expect(
      renameToCamelCase({
        usage_metadata: { total_token_count: 1 },
        next_page_token: 'a_b',
        nextPageToken: 'x',
      }),
    ).toEqual({ usageMetadata: { totalTokenCount: 1 }, nextPageToken: 'x' });
  });

  it("keeps a call's args, a function's response, schema property names and JSON Schemas", () => {
    expect(
      renameToCamelCase({
        function_call: { args: { user_id: 1 } },
        function_response: { response: { row_count: 2 } },
        parameters: { properties: { user_id: { max_items: 1 } } },
        parameters_json_schema: { properties: { user_id: {} }, additional_properties: false },
      }),
    ).toEqual({
      functionCall: { args: { user_id: 1 } },
      functionResponse: { response: { row_count: 2 } },
      parameters: { properties: { user_id: { maxItems: 1 } } },
      parametersJsonSchema: { properties: { user_id: {} }, additional_properties: false },
    });
  });

  it("renames an operation's and a batch answer's response; keeps a batch item's metadata", () => {
    expect(
      renameToCamelCase({
        response: {
          document_name: 'd',
          inlined_responses: [{ response: { finish_reason: 'STOP' }, metadata: { my_key: 'v' } }],
        },
      }),
    ).toEqual({
      response: {
        documentName: 'd',
        inlinedResponses: [{ response: { finishReason: 'STOP' }, metadata: { my_key: 'v' } }],
      },
    });
  });

  it('keeps `__proto__` an own key, not the prototype', () => {
    const renamed = renameToCamelCase(
      JSON.parse('{"properties":{"__proto__":{"type":"STRING"}}}'),
    ) as {
      properties: object;
    };
    expect(Object.hasOwn(renamed.properties, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(renamed.properties)).toBe(Object.prototype);
  });
});
