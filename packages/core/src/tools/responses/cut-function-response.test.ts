import { describe, expect, it, vi } from 'vitest';
import { estimateTokens, quartersOf } from '../../history/estimate-tokens.ts';
import type { FunctionResponse } from '../../wire/content.ts';
import {
  cutFunctionResponse,
  REST_NOT_KEPT,
  TRUNCATED_RESULT_KEY,
} from './cut-function-response.ts';

// The cap on one tool result (`toolOutput`, and the default cap every agent applies): a result
// whose JSON is over the limit is cut and marked; one within it is passed as the same object.
// The limit is on the JSON the model reads, in tokens by the estimate's script weights (four
// characters a token in Latin text, one and a third in CJK), `maxBytes` UTF-8 bytes.

const restNotKept = () => REST_NOT_KEPT;
const output = (response: FunctionResponse) => response.response['output'] as string;
const utf8 = (text: string) => new TextEncoder().encode(text).length;

function cut(result: Record<string, unknown>, limit: { maxTokens?: number; maxBytes?: number }) {
  return cutFunctionResponse({ name: 'read', response: result }, limit, restNotKept);
}

describe('cutFunctionResponse', () => {
  it('passes any result through when no limit is set', () => {
    const response = { name: 'read', response: { text: 'x'.repeat(1_000_000) } };
    expect(cutFunctionResponse(response, {}, restNotKept)).toBe(response);
  });

  it('keeps the first maxTokens × 4 characters of the JSON and says how much of how much', () => {
    const result = { text: 'abcdefghij'.repeat(100) };
    const json = JSON.stringify(result);
    const response = cut(result, { maxTokens: 10 });
    expect(output(response)).toBe(json.slice(0, 40));
    expect(response.response[TRUNCATED_RESULT_KEY]).toBe(
      `[gemloop: output of read truncated: kept 40 of ${json.length} characters; ${REST_NOT_KEPT}]`,
    );
    expect(Object.keys(response.response)).toEqual(['output', TRUNCATED_RESULT_KEY]);
  });

  it('cuts a result exactly one character over the limit, and passes one exactly at it', () => {
    // {"t":"…"} is 8 characters around the text.
    const at = { t: 'x'.repeat(32) };
    expect(JSON.stringify(at)).toHaveLength(40);
    const response: FunctionResponse = { name: 'read', response: at };
    expect(cutFunctionResponse(response, { maxTokens: 10 }, restNotKept)).toBe(response);
    const over = cut({ t: 'x'.repeat(33) }, { maxTokens: 10 });
    expect(output(over)).toHaveLength(40);
  });

  it('hands the whole JSON of a cut result to keepRest and puts its answer in the marker', () => {
    const result = { rows: Array.from({ length: 50 }, (_, index) => ({ index })) };
    const seen: string[] = [];
    const response = cutFunctionResponse(
      { name: 'query', response: result },
      { maxTokens: 5 },
      (json) => {
        seen.push(json);
        return 'read the rest with read_tool_output("a1")';
      },
    );
    expect(seen).toEqual([JSON.stringify(result)]);
    expect(response.response[TRUNCATED_RESULT_KEY]).toMatch(/read_tool_output\("a1"\)\]$/);
  });

  it('never calls keepRest for a result that fits', () => {
    let calls = 0;
    cutFunctionResponse({ name: 'a', response: { ok: true } }, { maxTokens: 100 }, () => {
      calls++;
      return '';
    });
    expect(calls).toBe(0);
  });

  it('keeps the id, media parts, willContinue and scheduling of a cut response', () => {
    const parts = [{ inlineData: { mimeType: 'image/png', data: 'AA==' } }];
    const response = cutFunctionResponse(
      {
        id: 'call-7',
        name: 'shot',
        response: { log: 'y'.repeat(500) },
        parts,
        willContinue: true,
        scheduling: 'WHEN_IDLE',
      },
      { maxTokens: 8 },
      restNotKept,
    );
    expect(response).toMatchObject({
      id: 'call-7',
      name: 'shot',
      parts,
      willContinue: true,
      scheduling: 'WHEN_IDLE',
    });
    expect(output(response)).toHaveLength(32);
  });

  it('adds no undefined fields to a cut response that had none', () => {
    const response = cut({ log: 'y'.repeat(500) }, { maxTokens: 8 });
    expect(Object.keys(response)).toEqual(['name', 'response']);
  });

  it('cuts by UTF-8 bytes: multi-byte text keeps fewer characters than bytes', () => {
    const response = cut({ text: '日本語'.repeat(100) }, { maxBytes: 50 });
    const kept = output(response);
    expect(utf8(kept)).toBeLessThanOrEqual(50);
    // One more character would not fit: the cut is as long as it may be.
    const json = JSON.stringify({ text: '日本語'.repeat(100) });
    expect(utf8(json.slice(0, kept.length + 1))).toBeGreaterThan(50);
  });

  it('never ends the kept text on half an emoji, by bytes or by tokens', () => {
    const result = { text: '😀'.repeat(200) };
    for (let limit = 1; limit < 40; limit++) {
      for (const kept of [
        output(cut(result, { maxBytes: limit + 8 })),
        output(cut(result, { maxTokens: limit })),
      ]) {
        const last = kept.charCodeAt(kept.length - 1);
        expect(last >= 0xd800 && last < 0xdc00, `limit ${limit}`).toBe(false);
        expect(isWellFormed(kept)).toBe(true);
      }
    }
  });

  it('keeps within both limits when both are given, whichever is tighter', () => {
    const result = { text: '😀a'.repeat(300) };
    for (let maxTokens = 1; maxTokens < 30; maxTokens++) {
      for (const maxBytes of [5, 17, 64, 200]) {
        const kept = output(cut(result, { maxTokens, maxBytes }));
        expect(kept.length, `maxTokens ${maxTokens} maxBytes ${maxBytes}`).toBeLessThanOrEqual(
          maxTokens * 4,
        );
        expect(utf8(kept), `maxTokens ${maxTokens} maxBytes ${maxBytes}`).toBeLessThanOrEqual(
          maxBytes,
        );
      }
    }
  });

  it('cuts a result whose JSON is over the cap though its text looks small: keys, ids, numbers', () => {
    // What the model reads is the JSON: long keys, a field named like a part's `id` or
    // `thought`, and numbers all count, however cheaply the estimate walks them.
    const results: Record<string, unknown>[] = [
      { id: 'i'.repeat(2_000) },
      { thought: 't'.repeat(2_000), role: 'r'.repeat(2_000) },
      { ['k'.repeat(2_000)]: true },
      Object.fromEntries(Array.from({ length: 300 }, (_, index) => [`key${index}`, index])),
      { values: Array.from({ length: 300 }, () => -2.2250738585072014e-308) },
      { inlineData: { mimeType: 'text/plain', data: 'A'.repeat(2_000) } },
    ];
    for (const result of results) {
      const json = JSON.stringify(result);
      expect(json.length).toBeGreaterThan(1_000);
      const response = cut(result, { maxTokens: 250 });
      expect(output(response), json.slice(0, 40)).toBe(json.slice(0, 1_000));
    }
  });

  it('cuts by bytes a result whose escapes make its JSON far longer than its text', () => {
    // A control character is one character of text and six bytes of JSON (\u0001).
    const result = { text: '\u0001'.repeat(1_000) };
    const json = JSON.stringify(result);
    expect(utf8(json)).toBeGreaterThan(6_000);
    const kept = output(cut(result, { maxBytes: 4_000 }));
    expect(utf8(kept)).toBeLessThanOrEqual(4_000);
    expect(kept).toBe(json.slice(0, kept.length));
    const quotes = { text: '"'.repeat(1_000) };
    expect(output(cut(quotes, { maxTokens: 300 }))).toHaveLength(1_200);
  });

  it("counts CJK text at the estimate's weight: a Chinese result keeps a third of the characters English does", () => {
    // Gemini's tokenizer reads about 1.5 characters of Chinese a token (history/estimate-tokens.ts):
    // four characters a token let a Chinese result through at nearly three times its budget.
    const chinese = { text: '天气预报说明天会下雨'.repeat(200) };
    const json = JSON.stringify(chinese);
    const kept = output(cut(chinese, { maxTokens: 300 }));
    // `{"text":"` is 9 quarter tokens; each ideograph 3: (1,200 - 9) / 3 = 397 of them.
    expect(kept).toBe(json.slice(0, 9 + 397));
    expect(quartersOf(kept)).toBeLessThanOrEqual(1_200);
    expect(quartersOf(json.slice(0, kept.length + 1))).toBeGreaterThan(1_200);
    expect(estimateTokens(JSON.parse(`${kept}"}`)).text).toBeLessThanOrEqual(300);
    // Mixed text is cut where its weights add up to the budget; Latin text as before.
    const mixed = output(cut({ text: 'ab日本'.repeat(300) }, { maxTokens: 100 }));
    expect(quartersOf(mixed)).toBeLessThanOrEqual(400);
    expect(mixed.length).toBeLessThan(400);
    expect(output(cut({ text: 'a'.repeat(2_000) }, { maxTokens: 100 }))).toHaveLength(400);
  });

  it('passes a result with no JSON (undefined fields only) as it is', () => {
    const response: FunctionResponse = { name: 'a', response: { nothing: undefined } };
    expect(cutFunctionResponse(response, { maxTokens: 1 }, restNotKept)).toBe(response);
  });

  it('keeps __proto__ keys of a cut result in its JSON text', () => {
    const result = JSON.parse(`{"__proto__":{"x":"${'p'.repeat(500)}"}}`) as Record<
      string,
      unknown
    >;
    const kept = output(cut(result, { maxTokens: 4 }));
    expect(kept).toBe('{"__proto__":{"x');
  });

  it('measures a small flat result without serialising it (the common tool result)', () => {
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      const response: FunctionResponse = {
        name: 'add',
        response: { sum: -0.0000012345678901234567, note: 'é\u0000"', count: 3 },
      };
      expect(cutFunctionResponse(response, { maxTokens: 25_000 }, restNotKept)).toBe(response);
      expect(cutFunctionResponse(response, { maxBytes: 1_000 }, restNotKept)).toBe(response);
      expect(stringify).not.toHaveBeenCalled();
    } finally {
      stringify.mockRestore();
    }
  });

  it('cuts a flat result exactly when its JSON is over the cap, at every limit around it', () => {
    // The bound that skips serialising must never let an over-cap result through: flat results
    // of escapes, lone surrogates, CJK, emoji and long numbers, under limits from far below their
    // JSON to far above it (where the bound alone decides), are cut exactly when their JSON is
    // over the limit (tokens by the estimate, UTF-8 bytes).
    // 126,000 cases: each result's JSON is measured once, and the cases that disagree are
    // collected for one assertion (an `expect` with its message built per case was most of this
    // test's time: 5.9, 7.2 -> 0.9, 1.2 s, ABAB at load 25-27).
    const pieces = ['a', '"', '\u0001', '\ud800', '中', '😀', 'é'];
    const numbers = [-0.0000012345678901234567, -1.7976931348623157e308, 1e21, 0, null];
    const wrong: string[] = [];
    for (const piece of pieces) {
      for (let count = 0; count < 40; count++) {
        const result = { [`k${piece}`]: piece.repeat(count), n: numbers[count % 5], t: 12 };
        const json = JSON.stringify(result);
        const quarters = quartersOf(json);
        const bytes = utf8(json);
        for (let size = 8; size <= 1_200; size += 8) {
          for (const limit of [
            { maxTokens: size },
            { maxBytes: size },
            { maxTokens: size, maxBytes: size * 2 },
          ]) {
            const over =
              (limit.maxTokens !== undefined && quarters > limit.maxTokens * 4) ||
              (limit.maxBytes !== undefined && bytes > limit.maxBytes);
            const response: FunctionResponse = { name: 'read', response: result };
            const passed = cutFunctionResponse(response, limit, restNotKept) === response;
            if (passed === over) {
              wrong.push(`${over ? 'passed' : 'cut'} at ${JSON.stringify(limit)}: ${json}`);
            }
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('cuts results whose JSON holds more than their enumerable keys show: holes, toJSON', () => {
    // `for in` sees no key of an array's holes (each written `null`) nor a `toJSON` on a
    // prototype: such results are measured on their JSON, never passed by the bound.
    const holes = new Array(5_000) as unknown as Record<string, unknown>;
    expect(cut(holes, { maxTokens: 100 })).not.toBe(holes);
    class Report {
      toJSON() {
        return { text: 'r'.repeat(5_000) };
      }
    }
    const report = new Report() as unknown as Record<string, unknown>;
    expect(output(cut(report, { maxTokens: 100 }))).toHaveLength(400);
    const flags = { ok: true, none: null, list: [1], nested: { a: 'b'.repeat(5_000) } };
    expect(output(cut(flags, { maxBytes: 300 }))).toHaveLength(300);
  });

  it('passes a response that is no object at all (a plugin bug) as it did, without throwing', () => {
    for (const value of [null, undefined, 5]) {
      const response = { name: 'a', response: value } as unknown as FunctionResponse;
      expect(cutFunctionResponse(response, { maxTokens: 100 }, restNotKept)).toBe(response);
    }
  });

  it('still refuses a flat result JSON cannot hold (a bigint), as JSON.stringify does', () => {
    expect(() => cut({ big: 1n }, { maxTokens: 25_000 })).toThrow(TypeError);
  });
});

/** Whether `text` holds no lone surrogate: UTF-8 round-trips it unchanged. */
function isWellFormed(text: string): boolean {
  return new TextDecoder().decode(new TextEncoder().encode(text)) === text;
}
