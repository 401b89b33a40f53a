import { describe, expect, it } from 'vitest';
import { checkMessageFields } from './check-message-fields.ts';
import type { ContractViolation } from './contract-violation.ts';

// The proto parser's "Unknown name" for keys a history's messages do not have; free-form Struct
// fields (args, response) are never checked.

function check(contents: unknown): string[] {
  const violations: ContractViolation[] = [];
  checkMessageFields(contents, violations);
  return violations.map((violation) => (violation.kind === 'parse' ? violation.field : ''));
}

describe('checkMessageFields', () => {
  it('passes every known field, in both spellings', () => {
    expect(
      check([
        { role: 'user', parts: [{ text: 'hi' }, { inline_data: {} }, { fileData: {} }] },
        {
          role: 'model',
          parts: [
            {
              functionCall: { id: '1', name: 'a', args: {}, willContinue: true },
              thoughtSignature: 'x',
            },
            { function_call: { name: 'b', partial_args: [] }, thought_signature: 'x' },
            { text: 't', thought: true, partMetadata: {}, media_resolution: {} },
          ],
        },
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                id: '1',
                name: 'a',
                response: {},
                parts: [
                  { inlineData: { mimeType: 'image/png', data: 'AA==' } },
                  { file_data: { file_uri: 'files/a' }, mediaProcessing: {} },
                ],
                scheduling: 'SILENT',
              },
            },
            { function_response: { name: 'b', response: {}, will_continue: false } },
          ],
        },
      ]),
    ).toEqual([]);
  });

  it('names each unknown key with its path', () => {
    expect(
      check([
        { role: 'user', parts: [{ text: 'a', cache_control: {} }], name: 'bob' },
        {
          role: 'model',
          parts: [{ functionCall: { name: 'a', args: {}, arguments: '{}' } }],
        },
        { role: 'user', parts: [{ functionResponse: { name: 'a', response: {}, content: 'x' } }] },
      ]),
    ).toEqual([
      'contents[0]',
      'contents[0].parts[0]',
      'contents[1].parts[0].function_call',
      'contents[2].parts[0].function_response',
    ]);
  });

  it('refuses text and function calls inside functionResponse.parts: the API takes media only there', () => {
    // Google's FunctionResponsePart has inlineData/fileData (and mediaProcessing); the fake took
    // anything, so an agent that put the tool's text there passed here and got a 400 from Google.
    expect(
      check([
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                name: 'a',
                response: {},
                parts: [
                  { text: 'x' },
                  { inlineData: { mimeType: 'image/png', data: 'AA==' } },
                  { functionCall: { name: 'b', args: {} } },
                ],
              },
            },
          ],
        },
      ]),
    ).toEqual([
      'contents[0].parts[0].function_response.parts[0]',
      'contents[0].parts[0].function_response.parts[2]',
    ]);
  });

  it('does not look inside args and response, whatever they hold', () => {
    expect(
      check([
        {
          role: 'model',
          parts: [{ functionCall: { name: 'a', args: { anything: 1, __proto__: 2 } } }],
        },
        { role: 'user', parts: [{ functionResponse: { name: 'a', response: { weird_key: [] } } }] },
      ]),
    ).toEqual([]);
  });

  it('names an own __proto__ key, as JSON.parse makes it', () => {
    expect(
      check(JSON.parse('[{"role":"user","__proto__":{},"parts":[{"text":"a","__proto__":1}]}]')),
    ).toEqual(['contents[0]', 'contents[0].parts[0]']);
  });

  it('leaves shapes that are not lists of objects to the other checks', () => {
    expect(check(undefined)).toEqual([]);
    expect(check('contents')).toEqual([]);
    expect(check([null, 3, [], { role: 'user', parts: 'x' }, { parts: [null, 'x', 1] }])).toEqual(
      [],
    );
  });

  it('reads a long history without growing out of proportion', () => {
    const contents = Array.from({ length: 5_000 }, () => ({
      role: 'user',
      parts: [{ text: 'a', x: 1 }],
    }));
    expect(check(contents)).toHaveLength(5_000);
  });
});
