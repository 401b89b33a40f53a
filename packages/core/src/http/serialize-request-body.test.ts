import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Content } from '../wire/content.ts';
import { buildGenerateContentBody } from './build-generate-content-body.ts';
import { createContentJsonCache, serializeRequestBody } from './serialize-request-body.ts';

const model = 'gemini-3-flash-preview';

function turn(role: 'user' | 'model', text: string): Content {
  return { role, parts: [{ text }] };
}

describe('serializeRequestBody', () => {
  it('writes the bytes JSON.stringify writes, with and without a cache, as the history grows', () => {
    const cache = createContentJsonCache();
    const contents: Content[] = [turn('user', 'Hi "there" \u2028 ü 😀')];
    for (let step = 0; step < 6; step++) {
      const body = buildGenerateContentBody({
        model,
        contents,
        systemInstruction: 'Be brief.',
        tools: [{ functionDeclarations: [{ name: 'add', description: 'Adds.' }] }],
        generationConfig: { temperature: 0.5, thinkingConfig: { thinkingLevel: 'low' } },
      });
      expect(serializeRequestBody(body, cache)).toBe(JSON.stringify(body));
      expect(serializeRequestBody(body)).toBe(JSON.stringify(body));
      contents.push({
        role: 'model',
        parts: [
          {
            functionCall: { id: `c${step}`, name: 'add', args: { a: step } },
            thoughtSignature: 'c2ln',
          },
        ],
      });
      contents.push({
        role: 'user',
        parts: [{ functionResponse: { id: `c${step}`, name: 'add', response: { sum: step } } }],
      });
    }
  });

  it('writes a body of contents alone, and one with no system instruction, as JSON.stringify does', () => {
    const cache = createContentJsonCache();
    const only = buildGenerateContentBody({ model, contents: 'Hello' });
    expect(serializeRequestBody(only, cache)).toBe(JSON.stringify(only));
    expect(serializeRequestBody(only, cache)).toBe(
      '{"contents":[{"role":"user","parts":[{"text":"Hello"}]}]}',
    );
    const withTools = buildGenerateContentBody({ model, contents: [turn('user', 'x')], tools: [] });
    expect(serializeRequestBody(withTools, cache)).toBe(JSON.stringify(withTools));
  });

  it('serialises a content again when it gets another role, parts array or part object', () => {
    const cache = createContentJsonCache();
    const first = turn('user', 'one');
    const contents = [first];
    const send = () => serializeRequestBody(buildGenerateContentBody({ model, contents }), cache);
    expect(send()).toContain('"one"');

    first.parts = [{ text: 'two' }];
    expect(send()).toBe(JSON.stringify({ contents }));
    expect(send()).toContain('"two"');

    first.parts[0] = { text: 'three' };
    expect(send()).toContain('"three"');

    first.parts.push({ text: 'four' });
    expect(send()).toContain('"four"');

    first.role = 'model';
    expect(send()).toBe(JSON.stringify({ contents }));

    contents[0] = turn('user', 'five');
    expect(send()).toBe(JSON.stringify({ contents }));
  });

  it("writes the array as it is when the request's check edited it (a getter), or another array is sent", () => {
    // The check hands the serialiser the JSON of the contents it found unchanged; a getter the
    // check runs (a new content's parts) may replace, drop or add contents before the serialiser
    // reads them.
    const cache = createContentJsonCache();
    const base = [turn('user', 'one'), turn('model', 'two'), turn('user', 'three')];
    const contents: Content[] = [...base];
    const send = (request = { model, contents }) =>
      serializeRequestBody(buildGenerateContentBody(request, 'request', cache), cache);
    expect(send()).toBe(JSON.stringify({ contents }));
    const edits: ((array: Content[]) => void)[] = [
      (array) => {
        array[1] = turn('model', 'replaced');
      },
      (array) => {
        [array[0], array[1]] = [array[1] as Content, array[0] as Content];
      },
      (array) => {
        array.splice(0, 1);
      },
      (array) => {
        array.unshift(turn('user', 'first'));
      },
      (array) => {
        array.length = 1;
      },
    ];
    for (const edit of edits) {
      contents.splice(0, contents.length, ...base);
      expect(send()).toBe(JSON.stringify({ contents }));
      let edited = false;
      const added = {
        role: 'user',
        get parts() {
          if (!edited) {
            edited = true;
            edit(contents);
          }
          return [{ text: 'added' }];
        },
      };
      contents.push(added as Content);
      const sent = send();
      expect(edited).toBe(true);
      expect(sent).toBe(JSON.stringify({ contents }));
    }
    contents.splice(0, contents.length, ...base);
    // The prefix is taken once, and only for the array the check walked.
    const body = buildGenerateContentBody({ model, contents }, 'request', cache);
    expect(serializeRequestBody(body, cache)).toBe(JSON.stringify(body));
    expect(serializeRequestBody(body, cache)).toBe(JSON.stringify(body));
    const other = buildGenerateContentBody({ model, contents }, 'request', cache);
    other.contents = [turn('user', 'other'), ...contents];
    expect(serializeRequestBody(other, cache)).toBe(JSON.stringify(other));
  });

  it('follows a toJSON given in place to a content it sent before', () => {
    const cache = createContentJsonCache();
    const first = turn('user', 'one');
    const contents = [first, turn('model', 'two')];
    const send = () =>
      serializeRequestBody(buildGenerateContentBody({ model, contents }, 'request', cache), cache);
    expect(send()).toBe(JSON.stringify({ contents }));
    Object.assign(first, { toJSON: () => turn('user', 'via toJSON') });
    expect(send()).toBe(JSON.stringify({ contents }));
    expect(send()).toContain('"via toJSON"');
  });

  it('serialises another tools or configuration object again, keeping the body order', () => {
    const cache = createContentJsonCache();
    const contents = [turn('user', 'x')];
    const first = buildGenerateContentBody({
      model,
      contents,
      tools: [{ functionDeclarations: [{ name: 'a' }] }],
      generationConfig: { temperature: 1 },
    });
    expect(serializeRequestBody(first, cache)).toBe(JSON.stringify(first));
    const second = buildGenerateContentBody({
      model,
      contents,
      generationConfig: { temperature: 0 },
      tools: [{ functionDeclarations: [{ name: 'b' }] }],
      systemInstruction: 'New.',
    });
    expect(serializeRequestBody(second, cache)).toBe(JSON.stringify(second));
    expect(serializeRequestBody(second, cache)).toMatch(
      /^\{"generationConfig":\{"temperature":0\},"tools"/,
    );
  });

  it('does not see a field edited inside a part object: a cache lives for one run only', () => {
    // The contract the agent relies on (see ContentJsonCache): it makes a new cache per run.
    const cache = createContentJsonCache();
    const content = turn('user', 'before');
    const body = (sent?: typeof cache) =>
      buildGenerateContentBody({ model, contents: [content] }, 'request', sent);
    serializeRequestBody(body(cache), cache);
    (content.parts[0] as { text: string }).text = 'after';
    expect(serializeRequestBody(body(cache), cache)).toContain('"before"');
    expect(serializeRequestBody(body(), createContentJsonCache())).toContain('"after"');
    expect(serializeRequestBody(body())).toContain('"after"');
  });

  it('follows toJSON as JSON.stringify does (a content that serialises to nothing is null)', () => {
    const cache = createContentJsonCache();
    const viaToJson = {
      role: 'user',
      parts: [{ text: 'x' }],
      toJSON: () => ({ role: 'user', parts: [{ text: 'y' }] }),
    };
    const toNothing = { role: 'user', parts: [{ text: 'x' }], toJSON: () => undefined };
    const instruction = { parts: [{ text: 'z' }], toJSON: () => undefined };
    const body = buildGenerateContentBody({
      model,
      contents: [viaToJson, toNothing] as Content[],
      systemInstruction: instruction as Content,
    });
    expect(serializeRequestBody(body, cache)).toBe(JSON.stringify(body));
    expect(serializeRequestBody(body, cache)).toBe(
      '{"contents":[{"role":"user","parts":[{"text":"y"}]},null]}',
    );
    const array = Object.assign([turn('user', 'a')], { toJSON: () => ['replaced'] });
    const arrayBody = buildGenerateContentBody({ model, contents: array });
    expect(serializeRequestBody(arrayBody, cache)).toBe(JSON.stringify(arrayBody));
  });

  it('throws an InvalidArgumentError for a value JSON cannot hold, with or without a cache', () => {
    const cyclic: Record<string, unknown> = { text: 'x' };
    cyclic['self'] = cyclic;
    const body = buildGenerateContentBody({ model, contents: [{ role: 'user', parts: [cyclic] }] });
    for (const cache of [undefined, createContentJsonCache()]) {
      expect(() => serializeRequestBody(body, cache)).toThrow(InvalidArgumentError);
      expect(() => serializeRequestBody(body, cache)).toThrow(
        /cannot be sent as JSON.*Remove cycles/s,
      );
    }
    const big = buildGenerateContentBody({
      model,
      contents: [
        { role: 'user', parts: [{ functionResponse: { name: 'f', response: { n: 1n } } }] },
      ],
    });
    expect(() => serializeRequestBody(big, createContentJsonCache())).toThrow(/BigInt/);
  });

  it('says a request nested too deeply for JSON is that, and where it came from, not cycles', () => {
    // What a model or gateway can send: arguments JSON.parse reads at any depth, which
    // JSON.stringify (recursive) cannot write back.
    let args: Record<string, unknown> = {};
    for (let level = 0; level < 100_000; level++) args = { a: args };
    const body = buildGenerateContentBody({
      model,
      contents: [
        turn('user', 'Hi'),
        { role: 'model', parts: [{ functionCall: { name: 'f', args } }] },
      ],
    });
    for (const cache of [undefined, createContentJsonCache()]) {
      let error: unknown;
      try {
        serializeRequestBody(body, cache);
      } catch (caught) {
        error = caught;
      }
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      const { message } = error as InvalidArgumentError;
      expect(message).toContain('nested too deeply');
      expect(message).toContain('arguments a model or gateway sent');
      expect(message).not.toMatch(/cycles|BigInt/);
    }
  });
});
