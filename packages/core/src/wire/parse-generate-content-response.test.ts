import { describe, expect, it } from 'vitest';
import {
  listFixtures,
  readFixture,
  readFixtureChunks,
} from '../streaming/__fixtures__/gemini-fixtures.ts';
import { parseGenerateContentResponse } from './parse-generate-content-response.ts';

describe('parseGenerateContentResponse', () => {
  it.each(listFixtures('responses'))(
    'accepts the recorded response %s, keeping every field',
    (name) => {
      const text = readFixture('responses', name);
      const value: unknown = JSON.parse(text);
      const result = parseGenerateContentResponse(value);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value).toBe(value);
      expect(result.value).toEqual(JSON.parse(text));
      expect(JSON.stringify(result.value)).toBe(JSON.stringify(JSON.parse(text)));
    },
  );

  it.each(listFixtures('streams'))('accepts every chunk of the recorded stream %s', (name) => {
    for (const chunk of readFixtureChunks(name)) {
      const copy = structuredClone(chunk);
      const result = parseGenerateContentResponse(chunk);
      expect(result).toEqual({ ok: true, value: copy });
    }
  });

  it('keeps unknown fields and unknown enum values on the same object', () => {
    const value = {
      candidates: [
        {
          content: { role: 'model', parts: [{ text: 'hi', futurePartField: 1 }] },
          finishReason: 'SOMETHING_NEW',
          futureCandidateField: { a: [1] },
        },
      ],
      promptFeedback: { blockReason: 'NEW_REASON' },
      futureTopField: true,
    };
    const result = parseGenerateContentResponse(value);
    expect(result.ok && result.value).toBe(value);
    expect(value).toEqual({
      candidates: [
        {
          content: { role: 'model', parts: [{ text: 'hi', futurePartField: 1 }] },
          finishReason: 'SOMETHING_NEW',
          futureCandidateField: { a: [1] },
        },
      ],
      promptFeedback: { blockReason: 'NEW_REASON' },
      futureTopField: true,
    });
  });

  it.each([
    ['content {}', { candidates: [{ content: {}, finishReason: 'SAFETY' }] }],
    ['content without parts', { candidates: [{ content: { role: 'model' } }] }],
    ['no index', { candidates: [{ content: { parts: [{ text: 'a' }] } }] }],
    ['no candidates', { promptFeedback: { blockReason: 'SAFETY' } }],
    ['an empty object', {}],
    [
      'a partial-argument fragment',
      { candidates: [{ content: { parts: [{ functionCall: {} }] } }] },
    ],
    ['null fields (proto3 defaults)', { candidates: null, usageMetadata: null }],
    ['null parts and text', { candidates: [{ content: { parts: [{ text: null }] } }] }],
  ])('accepts %s', (_label, value) => {
    expect(parseGenerateContentResponse(value)).toEqual({ ok: true, value });
  });

  it.each([
    ['a string', 'hello', '', 'must be an object, got string'],
    ['null', null, '', 'must be an object, got null'],
    ['an array', [{}], '', 'must be an object, got an array'],
    ['candidates not an array', { candidates: {} }, 'candidates', 'must be an array, got object'],
    [
      'a candidate not an object',
      { candidates: [1] },
      'candidates[0]',
      'must be an object, got number',
    ],
    [
      'index not a number',
      { candidates: [{ index: '0' }] },
      'candidates[0].index',
      'must be a number, got string',
    ],
    [
      'content not an object',
      { candidates: [{ content: 'x' }] },
      'candidates[0].content',
      'must be an object, got string',
    ],
    [
      'parts not an array',
      { candidates: [{ content: { parts: { text: 'a' } } }] },
      'candidates[0].content.parts',
      'must be an array, got object',
    ],
    [
      'a part not an object',
      { candidates: [{}, { content: { parts: [{ text: 'a' }, 'b'] } }] },
      'candidates[1].content.parts[1]',
      'must be an object, got string',
    ],
    [
      'text not a string',
      { candidates: [{ content: { parts: [{ text: 5 }] } }] },
      'candidates[0].content.parts[0].text',
      'must be a string, got number',
    ],
    [
      'a signature not a string',
      { candidates: [{ content: { parts: [{ thoughtSignature: [] }] } }] },
      'candidates[0].content.parts[0].thoughtSignature',
      'must be a string, got an array',
    ],
    [
      'functionCall not an object',
      { candidates: [{ content: { parts: [{ functionCall: 'f()' }] } }] },
      'candidates[0].content.parts[0].functionCall',
      'must be an object, got string',
    ],
    [
      'a function name not a string',
      { candidates: [{ content: { parts: [{ functionCall: { name: 7 } }] } }] },
      'candidates[0].content.parts[0].functionCall.name',
      'must be a string, got number',
    ],
    [
      'args as a JSON string',
      { candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: '{"a":1}' } }] } }] },
      'candidates[0].content.parts[0].functionCall.args',
      'must be a JSON object, got string',
    ],
    [
      'usageMetadata not an object',
      { usageMetadata: 3 },
      'usageMetadata',
      'must be an object, got number',
    ],
    [
      'promptFeedback not an object',
      { promptFeedback: 'x' },
      'promptFeedback',
      'must be an object, got string',
    ],
  ])('rejects %s, naming where', (_label, value, path, message) => {
    expect(parseGenerateContentResponse(value)).toEqual({ ok: false, path, message });
  });
});
