import { foldStream } from '@gemloop/core/streaming';
import type { GenerateContentResponse } from '@gemloop/core/wire';
import { describe, expect, it } from 'vitest';
import { streamFakeCallArguments } from './stream-fake-call-arguments.ts';

// Vertex's streamFunctionCallArguments as the fake writes it: a head `{name, willContinue}`, one
// `partialArgs` fragment per leaf (strings in two pieces), a `{}` terminator (fixture
// streams/vertex-gemini31-pro__streamFunctionCallArguments-partialArgs.vercel.jsonl). Judged by
// what matters to a client: core's public fold of the rewritten stream gives back the call as
// written.

const chunkWith = (
  parts: Record<string, unknown>[],
  finishReason?: string,
): GenerateContentResponse =>
  ({
    candidates: [
      {
        content: { role: 'model', parts },
        index: 0,
        ...(finishReason === undefined ? {} : { finishReason }),
      },
    ],
    modelVersion: 'gemini-3.1-pro-preview',
    responseId: 'r-1',
  }) as GenerateContentResponse;

async function roundTrip(args: Record<string, unknown>) {
  const chunks = streamFakeCallArguments([
    chunkWith(
      [{ functionCall: { name: 'lookup', id: 'call-1', args }, thoughtSignature: 'c2ln' }],
      'STOP',
    ),
  ]);
  const folded = await foldStream(chunks);
  return { chunks, call: folded.candidates?.[0]?.content?.parts?.[0]?.functionCall };
}

describe('streamFakeCallArguments', () => {
  it('writes the head, a fragment per leaf, strings in two pieces, then the terminator', () => {
    const chunks = streamFakeCallArguments([
      chunkWith(
        [{ functionCall: { name: 'get_weather', args: { city: 'Boston', days: 3 } } }],
        'STOP',
      ),
    ]);
    const parts = chunks.map((chunk) => chunk.candidates?.[0]?.content?.parts);
    expect(parts).toEqual([
      [{ functionCall: { name: 'get_weather', willContinue: true } }],
      [
        {
          functionCall: {
            partialArgs: [{ jsonPath: '$.city', stringValue: 'Bos', willContinue: true }],
            willContinue: true,
          },
        },
      ],
      [
        {
          functionCall: {
            partialArgs: [{ jsonPath: '$.city', stringValue: 'ton' }],
            willContinue: true,
          },
        },
      ],
      [
        {
          functionCall: {
            partialArgs: [{ jsonPath: '$.days', numberValue: 3 }],
            willContinue: true,
          },
        },
      ],
      [{ functionCall: {} }],
    ]);
    // The finish reason rides on the last chunk only, as in the recording.
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.finishReason)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      'STOP',
    ]);
  });

  it('keeps the signature and the id on the head', () => {
    const [head] = streamFakeCallArguments([
      chunkWith([{ functionCall: { name: 'f', id: 'x1', args: {} }, thoughtSignature: 'c2ln' }]),
    ]);
    expect(head?.candidates?.[0]?.content?.parts).toEqual([
      { functionCall: { name: 'f', willContinue: true, id: 'x1' }, thoughtSignature: 'c2ln' },
    ]);
  });

  it('folds back to the arguments as written: nesting, arrays, nulls, booleans, numbers', async () => {
    const args = {
      city: 'San Francisco',
      days: 3,
      ratio: -0.25,
      detailed: true,
      off: false,
      note: null,
      units: ['metric', 'kelvin'],
      matrix: [
        [1, 2],
        [3, { deep: 'yes' }],
      ],
      nested: { a: { b: { c: 'd' } } },
    };
    const { call } = await roundTrip(args);
    expect(call).toMatchObject({ name: 'lookup', id: 'call-1', args });
  });

  it('folds back keys that need quoting, quotes and backslashes in them included', async () => {
    const args = {
      'odd key': 1,
      'dotted.key': 'x',
      'it’s': 'curly',
      "it's": 'straight',
      'back\\slash': 'b',
      '[0]': 'bracket',
      '': 'empty key',
      ключ: 'unicode key',
    };
    const { call } = await roundTrip(args);
    expect(call?.args).toEqual(args);
  });

  it('folds back strings of every kind: empty, one character, emoji split anywhere, a megabyte', async () => {
    const args = {
      empty: '',
      one: 'x',
      emoji: '😀',
      two: '😀😀',
      odd: 'a😀',
      mixed: 'Zürich 🌧 – 東京',
      quote: 'say "hi"\n\ttab',
      big: 'y'.repeat(1_000_000),
    };
    const { chunks, call } = await roundTrip(args);
    expect(call?.args).toEqual(args);
    // No fragment carries half a character: Vertex streams UTF-8, which has no half emoji.
    for (const chunk of chunks) {
      const text = JSON.stringify(chunk);
      expect(text).not.toMatch(/\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i);
    }
  });

  it('leaves chunks without function calls as they are, and text beside a call in place', () => {
    const text = chunkWith([{ text: 'Checking.' }]);
    const mixed = chunkWith(
      [{ text: 'Then: ' }, { functionCall: { name: 'f', args: { a: 1 } } }, { text: 'done' }],
      'STOP',
    );
    const out = streamFakeCallArguments([text, mixed]);
    expect(out[0]).toBe(text);
    const parts = out.slice(1).map((chunk) => chunk.candidates?.[0]?.content?.parts);
    expect(parts[0]).toEqual([{ text: 'Then: ' }]);
    expect(parts.at(-1)).toEqual([{ text: 'done' }]);
    expect(out.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
  });

  it('streams two calls of one chunk one after the other, each with its terminator', async () => {
    const chunks = streamFakeCallArguments([
      chunkWith(
        [
          { functionCall: { name: 'a', args: { x: 'one' } } },
          { functionCall: { name: 'b', args: { y: 2 } } },
        ],
        'STOP',
      ),
    ]);
    const terminators = chunks.filter(
      (chunk) =>
        JSON.stringify(chunk.candidates?.[0]?.content?.parts) ===
        JSON.stringify([{ functionCall: {} }]),
    );
    expect(terminators).toHaveLength(2);
    const folded = await foldStream(chunks);
    expect(folded.candidates?.[0]?.content?.parts?.map((part) => part.functionCall)).toEqual([
      { name: 'a', args: { x: 'one' } },
      { name: 'b', args: { y: 2 } },
    ]);
  });
});
