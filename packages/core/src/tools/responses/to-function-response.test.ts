import { describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../__fixtures__/recorded-gemini.ts';
import { InvalidToolResultError } from '../../errors/invalid-tool-result-error.ts';
import { toFunctionResponse } from './to-function-response.ts';
import { toolResult } from './tool-result.ts';

const fixture = (path: string): unknown => readFixtureJson(path);

describe('toFunctionResponse', () => {
  it('sends a plain object as the response itself', () => {
    expect(
      toFunctionResponse({
        name: 'weather',
        id: 'w71i0cbt',
        result: { temperature: 21, unit: 'c' },
      }),
    ).toEqual({
      functionResponse: {
        id: 'w71i0cbt',
        name: 'weather',
        response: { temperature: 21, unit: 'c' },
      },
      extraParts: [],
      json: { temperature: 21, unit: 'c' },
    });
  });

  it('leaves the id out when the model gave none', () => {
    const { functionResponse } = toFunctionResponse({ name: 'weather', result: { ok: true } });
    expect(functionResponse).toEqual({ name: 'weather', response: { ok: true } });
    expect('id' in functionResponse).toBe(false);
  });

  it.each([
    ['a string', 'cars', { output: 'cars' }],
    ['a number', 42, { output: 42 }],
    ['a boolean', false, { output: false }],
    ['null', null, { output: null }],
    ['an array', [1, 'a'], { output: [1, 'a'] }],
    ['a Date', new Date('2026-01-02T03:04:05.000Z'), { output: '2026-01-02T03:04:05.000Z' }],
    ['a bigint', 12345678901234567890n, { output: '12345678901234567890' }],
    ['NaN', Number.NaN, { output: 'NaN' }],
    [
      'a class instance',
      new (class Point {
        x = 1;
        y = 2;
      })(),
      { output: { x: 1, y: 2 } },
    ],
  ])('wraps %s as { output }', (_label, result, response) => {
    expect(toFunctionResponse({ name: 'f', result }).functionResponse.response).toEqual(response);
  });

  it('answers a void tool with an empty object, which Gemini accepts', () => {
    expect(toFunctionResponse({ name: 'f', result: undefined }).functionResponse.response).toEqual(
      {},
    );
  });

  it('converts nested non-JSON values in an object response', () => {
    const response = toFunctionResponse({
      name: 'f',
      result: { at: new Date(0), count: 10n, skipped: undefined, list: [undefined, 1] },
    }).functionResponse.response;
    expect(response).toEqual({ at: '1970-01-01T00:00:00.000Z', count: '10', list: [null, 1] });
    expect('skipped' in response).toBe(false);
  });

  // tools45: a snapshot, so a getter read again later cannot make the record differ from what was sent.
  it('sends a copy of a plain JSON result, read once', () => {
    const result = { rows: [{ a: 1 }, { a: 2 }], text: 'x'.repeat(1000) };
    const response = toFunctionResponse({ name: 'f', result }).functionResponse.response;
    expect(response).toEqual(result);
    expect(response).not.toBe(result);
    expect(response['rows']).not.toBe(result.rows);
  });

  it('converts a value deep inside a plain result and leaves the result untouched', () => {
    const result = { pages: [{ rows: [{ id: 1, seen: new Date(0) }] }], total: 1 };
    const response = toFunctionResponse({ name: 'f', result }).functionResponse.response;
    expect(response).toEqual({
      pages: [{ rows: [{ id: 1, seen: '1970-01-01T00:00:00.000Z' }] }],
      total: 1,
    });
    expect(response).not.toBe(result);
    expect(result.pages[0]?.rows[0]?.seen).toBeInstanceOf(Date);
  });

  it('sends a plain result nested deeper than 64 levels, copied', () => {
    const result: Record<string, unknown> = { leaf: true };
    let node = result;
    for (let depth = 0; depth < 100; depth++) {
      const child: Record<string, unknown> = { depth };
      node['child'] = child;
      node = child;
    }
    const response = toFunctionResponse({ name: 'f', result }).functionResponse.response;
    expect(response).toEqual(result);
    expect(response).not.toBe(result);
  });

  it('sends 1,000 levels; refuses 100,000 as too deep, at its path, at once (deep47)', () => {
    const nest = (levels: number): unknown => {
      let value: unknown = [];
      for (let level = 1; level < levels; level++) value = [value];
      return value;
    };
    // The result object is a level: 1 + 999.
    const kept = toFunctionResponse({ name: 'f', result: { v: nest(999) } });
    expect(JSON.stringify(kept.functionResponse.response)).toHaveLength(1_998 + 6);
    // It walked 8,000 levels (1.5 s of copying paths) until the stack overflowed, then said
    // "reading it threw (Maximum call stack size exceeded)": the tool's getters threw nothing.
    const error = (() => {
      try {
        toFunctionResponse({ name: 'f', result: { v: nest(100_000) } });
        return undefined;
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(InvalidToolResultError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^Tool "f" returned a value that cannot be sent to Gemini: result\.v\[0\]\[0\].*….*\[0\] is not JSON: it nests deeper than 1000 levels; flatten it or send it as a string\.$/,
    );
    // The place is cut to its ends (shortPlace): 1,000 levels of it were a 3 KB message.
    expect(message.length).toBeLessThan(400);
  });

  it('reports a getter that throws at its own path', () => {
    const result = {
      rows: [
        {
          get secret(): string {
            throw new Error('no access');
          },
        },
      ],
    };
    expect(() => toFunctionResponse({ name: 'f', result })).toThrow(
      /result\.rows\[0\]\.secret is not JSON: reading it threw \(no access\)/,
    );
  });

  it.each([
    ['a function', { run: () => 1 }, ['run'], /a function is not JSON/],
    ['a Map', { index: new Map([['a', 1]]) }, ['index'], /Object\.fromEntries\(map\)/],
    ['a Set', new Set([1]), [], /\[\.\.\.set\]/],
    ['a symbol', { rows: [{ id: Symbol('x') }] }, ['rows', 0, 'id'], /a symbol is not JSON/],
    ['binary data', { image: new Uint8Array([1, 2]) }, ['image'], /toolResult\(\{ parts/],
    ['a promise', { later: Promise.resolve(1) }, ['later'], /await it first/],
    // JSON.stringify sends each as {}: the model would read an empty answer as the data.
    ['a Blob', { image: new Blob(['png']) }, ['image'], /toolResult\(\{ parts/],
    ['a fetch Response', { page: new Response('<html>') }, ['page'], /response\.json\(\)/],
  ])('rejects %s with the tool name and the path', (_label, result, path, message) => {
    try {
      toFunctionResponse({ name: 'report', result });
      expect.unreachable();
    } catch (error) {
      expect(InvalidToolResultError.isInstance(error)).toBe(true);
      const failure = error as InvalidToolResultError;
      expect(failure.toolName).toBe('report');
      expect(failure.path).toEqual(path);
      expect(failure.message).toMatch(
        /^Tool "report" returned a value that cannot be sent to Gemini/,
      );
      expect(failure.message).toMatch(message);
    }
  });

  it('sends boxed primitives as their value, as JSON does, not as {}', () => {
    const result = { name: new String('Ada'), age: new Number(36), admin: new Boolean(false) };
    expect(toFunctionResponse({ name: 'f', result }).functionResponse.response).toEqual({
      name: 'Ada',
      age: 36,
      admin: false,
    });
  });

  it('rejects a circular structure', () => {
    const node: Record<string, unknown> = { name: 'a' };
    node['self'] = { parent: node };
    expect(() => toFunctionResponse({ name: 'tree', result: node })).toThrow(
      /result\.self\.parent is not JSON: a circular reference/,
    );
  });

  it('accepts the same object twice when it is not circular', () => {
    const shared = { a: 1 };
    expect(
      toFunctionResponse({ name: 'f', result: { x: shared, y: shared } }).functionResponse.response,
    ).toEqual({
      x: { a: 1 },
      y: { a: 1 },
    });
  });

  it('builds the recorded multimodal functionResponse from a toolResult', () => {
    const request = fixture(
      'requests/gemini3-flash__multimodal-functionResponse-parts-inline_data.request.json',
    ) as {
      contents: { parts: { functionResponse?: Record<string, unknown> }[] }[];
    };
    const recorded = request.contents
      .flatMap((content) => content.parts)
      .map((part) => part.functionResponse)
      .find((functionResponse) => functionResponse?.['parts'] !== undefined) as {
      id: string;
      name: string;
      parts: { inline_data: { data: string; mime_type: string } }[];
      response: Record<string, unknown>;
    };
    const image = recorded.parts[0]!.inline_data;
    const result = toolResult({ parts: [{ mimeType: image.mime_type, data: image.data }] });
    const { functionResponse, extraParts } = toFunctionResponse({
      name: recorded.name,
      id: recorded.id,
      result,
    });
    expect(functionResponse).toEqual({
      id: recorded.id,
      name: recorded.name,
      response: recorded.response,
      parts: [{ inlineData: { mimeType: image.mime_type, data: image.data } }],
    });
    expect(extraParts).toEqual([]);
  });

  it('moves media to extraParts for models without multimodal function responses', () => {
    const result = toolResult({
      output: 'rendered',
      parts: [{ mimeType: 'image/png', data: new Uint8Array([137, 80]) }],
    });
    expect(toFunctionResponse({ name: 'render', result, multimodal: false })).toEqual({
      functionResponse: { name: 'render', response: { output: 'rendered' } },
      extraParts: [{ inlineData: { mimeType: 'image/png', data: 'iVA=' } }],
    });
  });
});
