import { getModelCapabilities } from '@gemloop/core/models';
import { describe, expect, it } from 'vitest';
import { readScriptContext } from './read-script-context.ts';

// What a script function is handed about the request: read from the body a client sent, in
// either JSON spelling the API accepts (camelCase or snake_case), and never thrown off by a body
// that is not what a client would send.

const base = {
  callIndex: 2,
  turnIndex: 1,
  gemini3: true,
  capabilities: getModelCapabilities('gemini-3-flash-preview'),
};

const user = (...parts: unknown[]) => ({ role: 'user', parts });
const model = (...parts: unknown[]) => ({ role: 'model', parts });

describe('readScriptContext', () => {
  it('hands through the counters it was given', () => {
    const context = readScriptContext({ contents: [] }, base);
    expect(context).toMatchObject({ callIndex: 2, turnIndex: 1, gemini3: true });
  });

  it('reads the text of the last user content that has text, its text parts joined by lines', () => {
    const context = readScriptContext(
      {
        contents: [
          user({ text: 'first question' }),
          model({ text: 'an answer' }),
          user(
            { text: 'second' },
            { inlineData: { mimeType: 'image/png', data: 'AA==' } },
            { text: 'question' },
          ),
          user({ functionResponse: { name: 'f', response: {} } }),
        ],
      },
      base,
    );
    expect(context.lastUserText).toBe('second\nquestion');
  });

  it('takes a content without a role for a user content, as the API does', () => {
    const context = readScriptContext({ contents: [{ parts: [{ text: 'no role' }] }] }, base);
    expect(context.lastUserText).toBe('no role');
  });

  it('reads the responses of the user contents that end the history, as one turn', () => {
    const context = readScriptContext(
      {
        contents: [
          user({ text: 'go' }),
          model({ functionCall: { name: 'a' } }, { functionCall: { name: 'b' } }),
          user({ functionResponse: { name: 'a', id: 'id-a', response: { ok: 1 } } }),
          user({ function_response: { name: 'b', response: { ok: 2 } } }),
        ],
      },
      base,
    );
    expect(context.functionResponses).toEqual([
      { name: 'a', id: 'id-a', response: { ok: 1 } },
      { name: 'b', response: { ok: 2 } },
    ]);
  });

  it('does not reach back past the last model turn for responses', () => {
    const context = readScriptContext(
      {
        contents: [
          user({ functionResponse: { name: 'old', response: {} } }),
          model({ text: 'answered' }),
          user({ text: 'new question' }),
        ],
      },
      base,
    );
    expect(context.functionResponses).toEqual([]);
  });

  it('makes a response that is not an object an empty one, and skips responses without a name', () => {
    const context = readScriptContext(
      {
        contents: [
          user(
            { functionResponse: { name: 'listed', response: [1, 2] } },
            { functionResponse: { name: 'text', response: 'plain' } },
            { functionResponse: { response: { nameless: true } } },
            { functionResponse: { name: 42, response: {} } },
            { functionResponse: null },
            null,
            'a string part',
          ),
        ],
      },
      base,
    );
    expect(context.functionResponses).toEqual([
      { name: 'listed', response: {} },
      { name: 'text', response: {} },
    ]);
  });

  it('reads declarations in both spellings, with either schema field', () => {
    const context = readScriptContext(
      {
        contents: [],
        tools: [
          {
            functionDeclarations: [
              { name: 'a', description: 'A.', parameters: { type: 'OBJECT' } },
              { name: 'b', parametersJsonSchema: { type: 'object' } },
            ],
          },
          { function_declarations: [{ name: 'c', parameters_json_schema: { type: 'object' } }] },
          { googleSearch: {} },
        ],
      },
      base,
    );
    expect(context.functionDeclarations).toEqual([
      { name: 'a', description: 'A.', parameters: { type: 'OBJECT' } },
      { name: 'b', parametersJsonSchema: { type: 'object' } },
      { name: 'c', parametersJsonSchema: { type: 'object' } },
    ]);
  });

  it.each([
    ['no body', undefined],
    ['a null body', null],
    ['an array body', [1, 2]],
    ['contents that are no list', { contents: { role: 'user' } }],
    ['tools that are no list', { contents: [], tools: { functionDeclarations: [] } }],
    [
      'contents of nulls',
      { contents: [null, 7, 'x', { parts: null }, { role: 'user', parts: 'x' }] },
    ],
    [
      'declarations that are no objects',
      {
        tools: [null, { functionDeclarations: 'x' }, { functionDeclarations: [null, { name: 3 }] }],
      },
    ],
  ])('reads %s as nothing, without throwing', (_case, body) => {
    const context = readScriptContext(body, base);
    expect(context.lastUserText).toBeUndefined();
    expect(context.functionResponses).toEqual([]);
    expect(context.functionDeclarations).toEqual([]);
  });

  it('reads a parsed __proto__ key as data, polluting nothing', () => {
    const body = JSON.parse(
      '{"contents":[{"role":"user","parts":[{"functionResponse":{"name":"f","response":{"__proto__":{"polluted":true}}}}]}],"__proto__":{"tools":[{"functionDeclarations":[{"name":"ghost"}]}]}}',
    );
    const context = readScriptContext(body, base);
    expect(context.functionDeclarations).toEqual([]);
    expect(context.functionResponses).toHaveLength(1);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('reads 10,000 user contents in a row, and a text of a megabyte, in one pass', () => {
    const many = Array.from({ length: 10_000 }, (_, index) =>
      user({ functionResponse: { name: `f${index}`, response: {} } }),
    );
    const context = readScriptContext(
      { contents: [user({ text: 'x'.repeat(1_000_000) }), model({ text: 'ok' }), ...many] },
      base,
    );
    expect(context.functionResponses).toHaveLength(10_000);
    expect(context.lastUserText?.length).toBe(1_000_000);
  });

  it('reads each field once, on first use, and gives the same value after', () => {
    const body = { contents: [user({ text: 'hello' })], tools: [] as unknown[] };
    const context = readScriptContext(body, base);
    const first = context.functionResponses;
    body.contents.push(user({ functionResponse: { name: 'late', response: {} } }));
    expect(context.functionResponses).toBe(first);
    expect(context.lastUserText).toBe('hello');
  });
});
