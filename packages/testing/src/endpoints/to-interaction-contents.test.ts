import { describe, expect, it } from 'vitest';
import type { FakeInteraction } from '../state/fake-state.ts';
import { toInteractionContents, toInteractionTools } from './to-interaction-contents.ts';

// An Interactions API request's `input` and `tools` (the steps schema of `@google/genai` 3.1.0,
// `dist/genai.d.ts`: `Step`, `UserInputStep`, `FunctionResultStep`, `Tool`) read as the
// generateContent request the fake's script answers.

/** A finished interaction whose last turn asked for `calls`. */
function previousWith(...calls: { id: string; name: string }[]): FakeInteraction {
  return {
    id: 'i-prev',
    model: 'gemini-3-flash-preview',
    agent: undefined,
    status: 'requires_action',
    stored: true,
    previousId: undefined,
    contents: [],
    requestContents: [],
    continuationToken: undefined,
    steps: calls.map((call) => ({ type: 'function_call', ...call, arguments: {} })),
    usage: undefined,
    events: [],
    pollsLeft: 0,
    pending: undefined,
    connections: 0,
    created: '2026-11-25T00:00:00.000Z',
  };
}

describe('toInteractionContents', () => {
  it('reads a string as one user text, and refuses an empty one', () => {
    expect(toInteractionContents('Hello', undefined)).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hello' }] }],
    });
    expect(toInteractionContents('', undefined)).toEqual({ error: '`input` is empty.' });
  });

  it.each([
    ['nothing', undefined],
    ['an empty list', []],
    ['an object', { type: 'text', text: 'x' }],
    ['a number', 7],
  ])('refuses %s as input', (_, input) => {
    expect(toInteractionContents(input, undefined)).toEqual({
      error: '`input` must be a string or a non-empty array of steps or content.',
    });
  });

  it("takes a server-side tool's steps sent back as part of the model's turn, holding nothing the script reads", () => {
    const read = toInteractionContents(
      [
        { type: 'user_input', content: [{ type: 'text', text: 'Research cats.' }] },
        { type: 'google_search_call', id: 's1', arguments: { queries: ['cats'] } },
        { type: 'google_search_result', call_id: 's1', result: [{ url: 'https://example.com' }] },
        { type: 'model_output', content: [{ type: 'text', text: 'Cats purr.' }] },
        { type: 'code_execution_call', id: 'c1', arguments: { code: 'print(1)' } },
        { type: 'code_execution_result', call_id: 'c1', result: '1' },
        { type: 'user_input', content: [{ type: 'text', text: 'More.' }] },
      ],
      undefined,
    );
    expect(read).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Research cats.' }] },
        { role: 'model', parts: [{ text: 'Cats purr.' }] },
        { role: 'user', parts: [{ text: 'More.' }] },
      ],
    });
  });

  it('names the index of a step that is no object or of a type it does not read', () => {
    expect(toInteractionContents([{ type: 'text', text: 'a' }, null], undefined)).toEqual({
      error: 'input[1] is not an object.',
    });
    expect(toInteractionContents([{ type: 'hologram' }], undefined)).toEqual({
      error: 'input[0] has a type (hologram) this fake does not read.',
    });
  });

  it('joins text and user_input pieces into one user content, media as inline or file data', () => {
    const read = toInteractionContents(
      [
        { type: 'text', text: 'Look:' },
        {
          type: 'user_input',
          content: [
            { type: 'text', text: 'this image' },
            { type: 'image', mime_type: 'image/png', data: 'iVBORw0KGgo=' },
            { type: 'document', uri: 'files/abc' },
            { type: 'video', mime_type: 'video/mp4', uri: 'https://example.com/v.mp4' },
            // A piece with neither data nor uri stands for nothing the model can read.
            { type: 'audio', mime_type: 'audio/wav' },
            'not a piece',
          ],
        },
      ],
      undefined,
    );
    expect(read).toEqual({
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'Look:' },
            { text: 'this image' },
            { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
            { fileData: { fileUri: 'files/abc' } },
            { fileData: { mimeType: 'video/mp4', fileUri: 'https://example.com/v.mp4' } },
          ],
        },
      ],
    });
  });

  it('answers calls of the previous interaction by call id, taking the name from the call', () => {
    const previous = previousWith({ id: 'c1', name: 'lookup' }, { id: 'c2', name: 'weather' });
    const read = toInteractionContents(
      [
        { type: 'function_result', call_id: 'c2', result: 'sunny' },
        { type: 'function_result', call_id: 'c1', name: 'lookup', result: { hits: 3 } },
      ],
      previous,
    );
    expect(read).toEqual({
      contents: [
        {
          role: 'user',
          parts: [
            // A result that is no object is wrapped: a functionResponse.response is a Struct.
            { functionResponse: { id: 'c2', name: 'weather', response: { result: 'sunny' } } },
            { functionResponse: { id: 'c1', name: 'lookup', response: { hits: 3 } } },
          ],
        },
      ],
    });
  });

  it('refuses a function result without a call id, answering no call, or without a name to go by', () => {
    const previous = previousWith({ id: 'c1', name: 'lookup' });
    expect(toInteractionContents([{ type: 'function_result', result: {} }], previous)).toEqual({
      error: 'input[0].call_id is required.',
    });
    expect(
      toInteractionContents([{ type: 'function_result', call_id: 'c9', result: {} }], previous),
    ).toEqual({ error: 'input[0].call_id c9 answers no function_call of interaction i-prev.' });
    expect(
      toInteractionContents([{ type: 'function_result', call_id: 'c1', result: {} }], undefined),
    ).toEqual({ error: 'input[0].name is required without previous_interaction_id.' });
  });

  it('reads a stateless history: model steps make model contents between the user ones', () => {
    const read = toInteractionContents(
      [
        { type: 'text', text: 'Weather in Paris?' },
        { type: 'thought', signature: 'c2lnLXRob3VnaHQ=' },
        { type: 'model_output', content: [{ type: 'text', text: 'Let me look.' }] },
        {
          type: 'function_call',
          id: 'c1',
          name: 'weather',
          arguments: { city: 'Paris' },
          signature: 'c2lnbmF0dXJl',
        },
        { type: 'function_call', id: 'c2', name: 'time' },
        { type: 'function_result', call_id: 'c1', name: 'weather', result: { temp: 18 } },
        { type: 'function_result', call_id: 'c2', name: 'time', result: { hour: 9 } },
      ],
      undefined,
    );
    expect(read).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
        {
          role: 'model',
          parts: [
            // The thought step's signature, kept as generateContent holds a signature alone.
            { thought: true, thoughtSignature: 'c2lnLXRob3VnaHQ=' },
            { text: 'Let me look.' },
            {
              functionCall: { id: 'c1', name: 'weather', args: { city: 'Paris' } },
              thoughtSignature: 'c2lnbmF0dXJl',
            },
            { functionCall: { id: 'c2', name: 'time', args: {} } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { id: 'c1', name: 'weather', response: { temp: 18 } } },
            { functionResponse: { id: 'c2', name: 'time', response: { hour: 9 } } },
          ],
        },
      ],
    });
  });

  it.each([
    ['a list with null', [null], 'input[1].content[0] is not an object.'],
    ['a number', 7, 'input[1].content is not a list.'],
    ['an object', { text: 'x' }, 'input[1].content is not a list.'],
  ])(
    'refuses a model_output whose content is %s by its place, without throwing',
    (_, content, error) => {
      // Hostile bytes from a client: once a TypeError out of the request.
      const read = toInteractionContents(
        [
          { type: 'text', text: 'q' },
          { type: 'model_output', content },
        ],
        undefined,
      );
      expect(read).toEqual({ error });
    },
  );
});

describe('toInteractionContents: the model turn a stateless client sends back', () => {
  it('keeps a thought step as a thought part (its summary the text) and an image the model wrote', () => {
    const read = toInteractionContents(
      [
        { type: 'text', text: 'Draw a cat' },
        {
          type: 'thought',
          summary: [
            { type: 'text', text: 'Cats are ' },
            { type: 'text', text: 'round.' },
          ],
          signature: 'c2lnLTE=',
        },
        {
          type: 'model_output',
          content: [
            { type: 'text', text: 'Here:' },
            { type: 'image', data: 'iVBORw0KGgo=', mime_type: 'image/png' },
            { type: 'image', uri: 'https://example.com/cat.webp', mime_type: 'image/webp' },
          ],
        },
        { type: 'text', text: 'Thanks' },
      ],
      undefined,
    );
    expect(read).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Draw a cat' }] },
        {
          role: 'model',
          parts: [
            { thought: true, text: 'Cats are round.', thoughtSignature: 'c2lnLTE=' },
            { text: 'Here:' },
            { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
            { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp' } },
          ],
        },
        { role: 'user', parts: [{ text: 'Thanks' }] },
      ],
    });
  });

  it('refuses a thought step whose signature the check refuses, or that is no string, by its place', () => {
    const checked: string[] = [];
    const check = (signature: string) => {
      checked.push(signature);
      return signature === 'bad' ? 'Corrupted thought signature.' : undefined;
    };
    const history = (signature: unknown) => [
      { type: 'text', text: 'q' },
      { type: 'thought', signature },
      { type: 'model_output', content: [{ type: 'text', text: 'a' }] },
    ];
    expect(toInteractionContents(history('bad'), undefined, check)).toEqual({
      error: 'Corrupted thought signature.',
    });
    expect(toInteractionContents(history(7), undefined, check)).toEqual({
      error: 'input[1].signature is not a string.',
    });
    expect(toInteractionContents(history('good'), undefined, check)).toMatchObject({
      contents: [
        {},
        { role: 'model', parts: [{ thought: true, thoughtSignature: 'good' }, { text: 'a' }] },
      ],
    });
    expect(checked).toEqual(['bad', 'good']);
  });
});

describe('toInteractionTools', () => {
  it('gathers function tools into one functionDeclarations tool, first, and maps the built-in ones', () => {
    const tools = toInteractionTools([
      { type: 'google_search' },
      {
        type: 'function',
        name: 'lookup',
        description: 'Looks up.',
        parameters: { type: 'object' },
      },
      { type: 'code_execution' },
      { type: 'function', name: 'weather' },
      { type: 'url_context' },
      {
        type: 'file_search',
        file_search_store_names: ['fileSearchStores/s1'],
        metadata_filter: 'year = 2026',
        top_k: 3,
      },
    ]);
    expect(tools).toEqual([
      {
        functionDeclarations: [
          { name: 'lookup', description: 'Looks up.', parameters: { type: 'object' } },
          { name: 'weather' },
        ],
      },
      { googleSearch: {} },
      { codeExecution: {} },
      { urlContext: {} },
      {
        fileSearch: {
          fileSearchStoreNames: ['fileSearchStores/s1'],
          metadataFilter: 'year = 2026',
          topK: 3,
        },
      },
    ]);
  });

  it('reads no tools from a value that is no list, and skips entries that are no objects', () => {
    expect(toInteractionTools(undefined)).toEqual([]);
    expect(toInteractionTools({ type: 'google_search' })).toEqual([]);
    expect(toInteractionTools([null, 'google_search', { type: 'google_search' }])).toEqual([
      { googleSearch: {} },
    ]);
  });
});
