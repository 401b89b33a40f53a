import { describe, expect, it } from 'vitest';
import type { FakeHistoryIssue } from './check-fake-history.ts';
import { historyViolation } from './check-history-contract.ts';
import type { ContractViolation } from './contract-violation.ts';

// How the fake words each broken history rule, as the API does (or as near as is recorded).

const text = (violation: ContractViolation) =>
  violation.kind === 'parse'
    ? violation.description
    : violation.kind === 'field'
      ? violation.line
      : violation.message;
const word = (issue: FakeHistoryIssue, contents: unknown) =>
  text(historyViolation(issue, contents));
const PART = 'type.googleapis.com/google.ai.generativelanguage.v1beta.Part';
const STRUCT = 'type.googleapis.com/google.protobuf.Struct';

describe('historyViolation', () => {
  it('words a contents that is no list and an empty one', () => {
    expect(word({ rule: 'invalid-contents', contentIndex: 0 }, 'hi')).toBe(
      `Invalid value at 'contents' (type.googleapis.com/google.ai.generativelanguage.v1beta.Content), "hi"`,
    );
    expect(word({ rule: 'empty-contents', contentIndex: 0 }, [])).toBe(
      '* GenerateContentRequest.contents: contents is not specified\n',
    );
  });

  it('quotes the bad content or part at its index', () => {
    expect(word({ rule: 'invalid-content', contentIndex: 1 }, [{}, 7])).toBe(
      `Invalid value at 'contents[1]' (type.googleapis.com/google.ai.generativelanguage.v1beta.Content), 7`,
    );
    expect(word({ rule: 'invalid-part', contentIndex: 0 }, [{ role: 'user', parts: 'x' }])).toBe(
      `Invalid value at 'contents[0].parts' (${PART}), {"role":"user","parts":"x"}`,
    );
    expect(
      word({ rule: 'invalid-part', contentIndex: 0, partIndex: 1 }, [
        { parts: [{ text: 'a' }, null] },
      ]),
    ).toBe(`Invalid value at 'contents[0].parts[1]' (${PART}), undefined`);
  });

  it('words a part with no data, two data fields, or text that is no string', () => {
    const contents = [{ role: 'user', parts: [{ text: 5, inlineData: {} }] }];
    expect(word({ rule: 'missing-part-data', contentIndex: 0, partIndex: 0 }, contents)).toBe(
      "* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must have one initialized field\n",
    );
    expect(word({ rule: 'multiple-part-data', contentIndex: 0, partIndex: 0 }, contents)).toMatch(
      /^Invalid JSON payload received\. Oneof field 'data' is already set\. Cannot set '\w+'$/,
    );
    expect(word({ rule: 'invalid-text', contentIndex: 0, partIndex: 0 }, contents)).toBe(
      `Invalid value at 'contents[0].parts[0].text' (TYPE_STRING), 5`,
    );
  });

  it('words broken function calls by what is wrong with them', () => {
    const at = (call: unknown) =>
      word({ rule: 'invalid-function-call', contentIndex: 0, partIndex: 0 }, [
        { role: 'model', parts: [{ functionCall: call }] },
      ]);
    expect(at('x')).toBe(`Invalid value at 'contents[0].parts[0].function_call' (${STRUCT}), "x"`);
    expect(at({ name: 'a', args: [1] })).toBe(
      `Invalid JSON payload received. Unknown name "args" at 'contents[0].parts[0].function_call': Proto field is not repeating, cannot start list.`,
    );
    expect(at({ name: 'a', args: 'x' })).toBe(
      `Invalid value at 'contents[0].parts[0].function_call.args' (${STRUCT}), "x"`,
    );
    expect(at({ args: {} })).toBe(
      '* GenerateContentRequest.contents[0].parts[0].function_call.name: Name cannot be empty.\n',
    );
  });

  it('words broken function responses', () => {
    const at = (rule: FakeHistoryIssue['rule'], response: unknown) =>
      word({ rule, contentIndex: 0, partIndex: 0 }, [
        { role: 'user', parts: [{ functionResponse: response }] },
      ]);
    expect(at('invalid-function-response', { response: {} })).toBe(
      '* GenerateContentRequest.contents[0].parts[0].function_response.name: Name cannot be empty.\n',
    );
    expect(at('invalid-function-response', 3)).toBe(
      `Invalid value at 'contents[0].parts[0].function_response' (${STRUCT}), 3`,
    );
    expect(at('function-response-not-object', { name: 'a', response: [1] })).toBe(
      `Invalid JSON payload received. Unknown name "response" at 'contents[0].parts[0].function_response': Proto field is not repeating, cannot start list.`,
    );
    expect(at('function-response-not-object', { name: 'a', response: 'ok' })).toBe(
      `Invalid value at 'contents[0].parts[0].function_response.response' (${STRUCT}), "ok"`,
    );
  });

  it('quotes a bad thought signature without cutting an emoji in half', () => {
    const signature = `${'a'.repeat(39)}😀😀😀`;
    const message = word({ rule: 'invalid-thought-signature', contentIndex: 0, partIndex: 0 }, [
      { role: 'model', parts: [{ text: 'x', thoughtSignature: signature }] },
    ]);
    expect(
      message.startsWith(
        `Invalid value at 'contents[0].parts[0].thought_signature' (TYPE_BYTES), Base64 decoding failed for "`,
      ),
    ).toBe(true);
    expect(message).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(
      word({ rule: 'invalid-thought-signature', contentIndex: 0, partIndex: 0 }, [
        { role: 'model', parts: [{ text: 'x', thoughtSignature: 12 }] },
      ]),
    ).toBe(`Invalid value at 'contents[0].parts[0].thought_signature' (TYPE_BYTES), 12`);
  });

  it('names the call a missing signature belongs to, with its 1-based position', () => {
    const message = word({ rule: 'missing-thought-signature', contentIndex: 1, partIndex: 0 }, [
      { role: 'user', parts: [{ text: 'hi' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }] },
    ]);
    expect(message).toContain('function call `default_api:get_weather` , position 2.');
    expect(
      word({ rule: 'missing-thought-signature', contentIndex: 0, partIndex: 5 }, [{ parts: [] }]),
    ).toContain('function call `default_api:` , position 1.');
  });

  it('gives the recorded sentence for each turn-order rule', () => {
    const sentence = (rule: FakeHistoryIssue['rule']) => word({ rule, contentIndex: 0 }, []);
    expect(sentence('invalid-role')).toBe('Please use a valid role: user, model.');
    expect(sentence('function-call-turn-position')).toBe(
      sentence('function-call-not-in-model-turn'),
    );
    expect(sentence('function-response-without-call')).toBe(
      sentence('function-response-not-in-user-turn'),
    );
    expect(sentence('function-response-count')).toBe(sentence('function-call-without-response'));
    expect(sentence('function-response-id-mismatch')).toBe(
      'functionResponse.id does not match functionCall.id',
    );
    expect(sentence('function-response-name-mismatch')).toBe(
      'functionResponse.name does not match functionCall.name',
    );
    expect(sentence('function-call-and-response-mixed')).toMatch(/can not be mixed/);
    expect(sentence('empty-parts')).toBe(
      '* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n',
    );
  });
});
