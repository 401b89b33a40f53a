import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { GenerateContentRequest } from '../wire/request.ts';
import { buildGenerateContentBody, toContents } from './build-generate-content-body.ts';

// The body of a generateContent request as a caller writes it (or a model-driven tool, or a
// request parsed from JSON): the wire fields as given, `model` left for the URL, contents and the
// system instruction in the API's form, and each mistake the API would refuse named here, at its
// path, before anything is sent.

const build = (request: unknown) => buildGenerateContentBody(request as GenerateContentRequest);

function problem(request: unknown): string {
  try {
    build(request);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error.message;
    throw error;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('buildGenerateContentBody', () => {
  it('keeps the fields as given and in order, then contents and systemInstruction; model goes to the URL', () => {
    const body = build({
      systemInstruction: 'Be brief.',
      model: 'gemini-2.5-flash',
      tools: [{ googleSearch: {} }],
      contents: 'Hello',
      generationConfig: { temperature: 0.2 },
      futureField: { kept: true },
    });
    expect(Object.keys(body)).toEqual([
      'tools',
      'generationConfig',
      'futureField',
      'contents',
      'systemInstruction',
    ]);
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'Hello' }] }]);
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
  });

  it('sends contents given as an array as they are (the same objects, not copies)', () => {
    const contents = [
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'model', parts: [{ text: 'Hello', thoughtSignature: 'c2ln' }] },
      { parts: [{ text: 'A content without a role is the user’s.' }] },
    ];
    const body = build({ model: 'm', contents });
    expect(body.contents).toBe(contents);
  });

  it('takes a system instruction as text, as parts, or as a Content', () => {
    const parts = [{ text: 'a' }, { text: 'b' }];
    expect(build({ contents: 'x', systemInstruction: parts }).systemInstruction).toEqual({ parts });
    const content = { role: 'system', parts };
    expect(build({ contents: 'x', systemInstruction: content }).systemInstruction).toBe(content);
  });

  it('names a cache given by its bare id in full, as js-genai does; a full name and an empty one as given', () => {
    // The Gemini API reads only `cachedContents/{id}`: the bare id (which caches.get takes) went
    // out as is and was refused, where @google/genai 2.32 sends `cachedContents/abc`.
    const sent = (cachedContent: string) =>
      build({ model: 'm', contents: 'Hi', cachedContent }).cachedContent;
    expect(sent('abc-123')).toBe('cachedContents/abc-123');
    expect(sent('cachedContents/abc-123')).toBe('cachedContents/abc-123');
    expect(sent('projects/p/locations/l/cachedContents/1')).toBe(
      'projects/p/locations/l/cachedContents/1',
    );
    expect(sent('')).toBe('');
  });

  it('does not read inherited fields as the request’s', () => {
    const request = Object.assign(Object.create({ generationConfig: { temperature: 9 } }), {
      contents: 'x',
    });
    expect(build(request)).toEqual({ contents: [{ role: 'user', parts: [{ text: 'x' }] }] });
  });

  it('keeps a __proto__ key of a request parsed from JSON as a field: never as the body’s prototype', () => {
    const request = JSON.parse(
      '{"contents":"hi","__proto__":{"generationConfig":{"temperature":9}},"toolConfig":{}}',
    );
    const body = build(request) as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(Object.hasOwn(body, '__proto__')).toBe(true);
    // Nothing of it passes for a field the request did not have, and it is sent (the API refuses it).
    expect(body['generationConfig']).toBeUndefined();
    expect(JSON.stringify(body)).toBe(
      '{"__proto__":{"generationConfig":{"temperature":9}},"toolConfig":{},"contents":[{"role":"user","parts":[{"text":"hi"}]}]}',
    );
  });

  it.each([
    [
      'contents missing',
      { model: 'm' },
      /^request\.contents must be a string or an array of Content/,
    ],
    ['contents an object', { contents: { role: 'user', parts: [] } }, /got an object\.$/],
    [
      'no contents',
      { contents: [] },
      /must hold at least one Content \(the API rejects an empty conversation\); got an array of 0/,
    ],
    [
      'a content that is null',
      { contents: ['hi', null] },
      /^request\.contents\[0\] must be a Content object/,
    ],
    [
      'a role that is a number',
      { contents: [{ role: 1, parts: [{ text: 'x' }] }] },
      /^request\.contents\[0\]\.role must be 'user' or 'model'; got 1\.$/,
    ],
    [
      'parts that are not an array',
      { contents: [{ role: 'user', parts: 'x' }] },
      /^request\.contents\[0\]\.parts must be an array of parts; got a string\.$/,
    ],
    [
      'no parts',
      { contents: [{ role: 'user', parts: [] }] },
      /^request\.contents\[0\]\.parts must hold at least one part/,
    ],
    [
      'a part that is a string',
      { contents: [{ role: 'user', parts: ['hi'] }] },
      /^request\.contents\[0\]\.parts\[0\] must be a Part object/,
    ],
    [
      'a part that is an array',
      { contents: [{ role: 'user', parts: [{ text: 'a' }, [{ text: 'b' }]] }] },
      /^request\.contents\[0\]\.parts\[1\] must be a Part object.*got an array of 1\.$/,
    ],
    [
      'a system instruction that is a number',
      { contents: 'x', systemInstruction: 7 },
      /^request\.systemInstruction must be a Content object/,
    ],
    [
      'a system instruction of no parts',
      { contents: 'x', systemInstruction: [] },
      /^request\.systemInstruction must hold at least one part/,
    ],
    [
      'a system instruction part that is null',
      { contents: 'x', systemInstruction: [null] },
      /^request\.systemInstruction\[0\] must be a Part object/,
    ],
  ])('names the mistake at its path: %s', (_case, request, message) => {
    expect(problem(request)).toMatch(message);
  });

  it('never quotes a wrong string (it may be the user’s text) in the error', () => {
    const secret = 'my password is hunter2';
    expect(problem({ contents: [{ role: 'user', parts: [secret] }] })).not.toContain('hunter2');
    expect(problem({ contents: [{ role: 'user', parts: secret }] })).not.toContain('hunter2');
  });

  it('finds a bad content far into a long history, naming its index', () => {
    const contents: unknown[] = Array.from({ length: 5_000 }, (_, index) => ({
      role: index % 2 === 0 ? 'user' : 'model',
      parts: [{ text: String(index) }],
    }));
    contents[4_321] = { role: 'model', parts: [] };
    expect(problem({ contents })).toMatch(
      /^request\.contents\[4321\]\.parts must hold at least one part/,
    );
  });
});

describe('toContents', () => {
  it('turns text into a user content and checks an array as the body does, under the argument’s name', () => {
    expect(toContents('Hi', 'contents')).toEqual([{ role: 'user', parts: [{ text: 'Hi' }] }]);
    const contents = [{ role: 'user', parts: [{ text: 'Hi' }] }];
    expect(toContents(contents, 'contents')).toBe(contents);
    expect(() => toContents([{ role: 'user' }], 'countTokens contents')).toThrow(
      /^countTokens contents\[0\]\.parts must be an array of parts; got undefined\.$/,
    );
    expect(() => toContents(undefined, 'contents')).toThrow(InvalidArgumentError);
  });
});
