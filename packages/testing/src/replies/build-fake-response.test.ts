import { estimateTokens } from '@gemloop/core/internal';
import { foldStream } from '@gemloop/core/streaming';
import type { GenerateContentResponse } from '@gemloop/core/wire';
import { describe, expect, it } from 'vitest';
import { callFake, parseSseEvents } from '../__fixtures__/call-fake.ts';
import { createFakeGemini } from '../create-fake-gemini.ts';
import { type FakeTurn, turn } from '../script/fake-turn.ts';
import { createSeededRandom } from '../state/seeded-random.ts';
import { buildFakeResponse, buildFakeStreamChunks } from './build-fake-response.ts';
import { resolveFakeTurn, type TurnContext } from './resolve-fake-turn.ts';

const question = { contents: [{ role: 'user', parts: [{ text: 'What is the weather?' }] }] };
const longText =
  'Paris is sunny at 18 °C this afternoon, with a light breeze from the west and clear skies 🌤 until the evening.';

function context(gemini3: boolean, seed = 7): TurnContext {
  return {
    model: gemini3 ? 'gemini-3-flash-preview' : 'gemini-2.5-flash',
    modelVersion: gemini3 ? 'gemini-3-flash-preview' : 'gemini-2.5-flash',
    gemini3,
    callIds: gemini3,
    prompt: { text: 40, media: 0 },
    random: createSeededRandom(seed),
  };
}

const turns: Record<string, FakeTurn> = {
  text: turn.text(longText),
  'text with thoughts': turn.text(longText, { thoughts: ['Looking at the forecast.', ' Done.'] }),
  'one call': turn.call('get_weather', { city: 'Paris' }),
  'parallel calls after a preface': turn.calls(
    [
      { name: 'get_weather', args: { city: 'Paris' } },
      { name: 'get_weather', args: { city: 'Tokyo' } },
      { name: 'convert', args: { value: 20, from: 'C', to: 'F' } },
    ],
    { text: 'Let me check both cities.' },
  ),
  json: turn.json({ city: 'Paris', celsius: 18, conditions: ['sunny', 'breezy'] }),
  grounded: turn.grounded(longText, {
    sources: [{ uri: 'https://example.com/weather', title: 'example.com' }],
    queries: ['weather Paris'],
  }),
  'code execution': turn.parts([
    { text: 'Computing.' },
    { executableCode: { language: 'PYTHON', code: 'print(2+2)' } },
    { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '4\n' } },
    { text: 'The answer is 4.' },
  ]),
  'adjacent text parts': turn.parts([{ text: 'one ' }, { text: 'two ' }, { text: 'three' }]),
  safety: turn.safety(),
  blocked: turn.blocked('SAFETY'),
  'max tokens without parts': turn.maxTokens(),
  'max tokens with text': turn.maxTokens('The answer is'),
  empty: turn.empty(),
  'malformed function call': turn.malformedFunctionCall(),
  'explicit signatures': turn.parts([
    { text: 'first', thoughtSignature: 'c2lnMQ==' },
    { functionCall: { name: 'f', args: {} }, thoughtSignature: 'c2lnMg==' },
  ]),
};

describe('buildFakeStreamChunks', () => {
  for (const gemini3 of [true, false]) {
    describe(gemini3 ? 'Gemini 3 mode' : 'Gemini 2.5 mode', () => {
      it.each(Object.entries(turns))(
        'folds to exactly the unary response: %s',
        async (_, fakeTurn) => {
          for (const chunkSize of [1, 7, 48, 1000]) {
            const resolved = resolveFakeTurn(fakeTurn, context(gemini3));
            const chunks = buildFakeStreamChunks(resolved, chunkSize);
            expect(await foldStream(chunks)).toEqual(buildFakeResponse(resolved));
          }
        },
      );

      it('puts finishReason on the last chunk only, and usage on every chunk', () => {
        const chunks = buildFakeStreamChunks(resolveFakeTurn(turns['text']!, context(gemini3)), 10);
        expect(chunks.length).toBeGreaterThan(5);
        chunks.forEach((chunk, index) => {
          const candidate = chunk.candidates?.[0];
          expect(candidate?.finishReason).toBe(index === chunks.length - 1 ? 'STOP' : undefined);
          expect(candidate?.index).toBe(0);
          expect(chunk.usageMetadata?.promptTokenCount).toBe(40);
          expect(chunk.responseId).toBe(chunks[0]?.responseId);
        });
      });

      it('reports cumulative usage whose total is the sum of its parts', () => {
        const chunks = buildFakeStreamChunks(resolveFakeTurn(turns['text']!, context(gemini3)), 10);
        let previous = 0;
        for (const { usageMetadata: usage } of chunks) {
          const candidates = usage?.candidatesTokenCount ?? 0;
          expect(candidates).toBeGreaterThanOrEqual(previous);
          previous = candidates;
          expect(usage?.totalTokenCount).toBe(
            (usage?.promptTokenCount ?? 0) + candidates + (usage?.thoughtsTokenCount ?? 0),
          );
        }
        // The core's estimate: 109 units of Latin text and the emoji's two, a token (29, not 28).
        expect(previous).toBe(estimateTokens(longText).text);
        expect(previous).toBe(29);
      });

      it('splits text into pieces of the chunk size that join back to the text', () => {
        const chunks = buildFakeStreamChunks(resolveFakeTurn(turns['text']!, context(gemini3)), 16);
        const pieces = chunks.map(
          (chunk) => chunk.candidates?.[0]?.content?.parts?.[0]?.text ?? '',
        );
        expect(pieces.join('')).toBe(longText);
        // Never more than 16 UTF-16 units, never a lone surrogate.
        for (const piece of pieces) {
          expect(piece.length).toBeLessThanOrEqual(16);
          expect(/[\uD800-\uDBFF]$|^[\uDC00-\uDFFF]/.test(piece)).toBe(false);
        }
      });

      it('sends parallel function calls whole in one chunk', () => {
        const resolved = resolveFakeTurn(
          turns['parallel calls after a preface']!,
          context(gemini3),
        );
        const chunks = buildFakeStreamChunks(resolved, 1000);
        const withCalls = chunks.filter((chunk) =>
          chunk.candidates?.[0]?.content?.parts?.some((part) => part.functionCall !== undefined),
        );
        expect(withCalls).toHaveLength(1);
        expect(withCalls[0]?.candidates?.[0]?.content?.parts).toHaveLength(3);
      });
    });
  }

  it('ends a Gemini 3 text answer with a signed empty text chunk carrying the finish reason', () => {
    const chunks = buildFakeStreamChunks(resolveFakeTurn(turns['text']!, context(true)), 30);
    const last = chunks[chunks.length - 1]?.candidates?.[0];
    expect(last?.content?.parts).toEqual([{ text: '', thoughtSignature: expect.any(String) }]);
    expect(last?.finishReason).toBe('STOP');
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature).toBeUndefined();
    }
  });

  it('ends a Gemini 3 function-call turn with an unsigned empty text STOP chunk', () => {
    const chunks = buildFakeStreamChunks(resolveFakeTurn(turns['one call']!, context(true)), 30);
    expect(chunks).toHaveLength(2);
    const [callChunk, final] = chunks;
    const part = callChunk?.candidates?.[0]?.content?.parts?.[0];
    expect(part?.functionCall).toEqual({
      name: 'get_weather',
      args: { city: 'Paris' },
      id: expect.stringMatching(/^[0-9a-z]{8}$/),
    });
    expect(part?.thoughtSignature).toEqual(expect.any(String));
    expect(callChunk?.candidates?.[0]?.finishReason).toBeUndefined();
    expect(final?.candidates?.[0]?.content?.parts).toEqual([{ text: '' }]);
    expect(final?.candidates?.[0]?.finishReason).toBe('STOP');
  });

  it('signs only the first of parallel calls, and gives each its own id, in Gemini 3 mode', () => {
    const response = buildFakeResponse(
      resolveFakeTurn(turns['parallel calls after a preface']!, context(true)),
    );
    const parts = response.candidates?.[0]?.content?.parts ?? [];
    expect(parts.map((part) => part.thoughtSignature !== undefined)).toEqual([
      false,
      true,
      false,
      false,
    ]);
    const ids = parts.flatMap((part) =>
      part.functionCall?.id === undefined ? [] : [part.functionCall.id],
    );
    expect(new Set(ids).size).toBe(3);
    expect(response.candidates?.[0]?.finishMessage).toBe('Model generated function call(s).');
  });

  it('gives no signatures and no ids in Gemini 2.5 mode, and no final empty chunk', () => {
    const resolved = resolveFakeTurn(turns['one call']!, context(false));
    const chunks = buildFakeStreamChunks(resolved, 30);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.candidates?.[0]).toMatchObject({
      content: { parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
      finishReason: 'STOP',
      finishMessage: 'Model generated function call(s).',
    });
    expect(JSON.stringify(chunks)).not.toContain('thoughtSignature');
    expect(JSON.stringify(chunks)).not.toContain('"id"');
  });

  it('sends groundingMetadata as {} on every chunk and whole on the last', () => {
    const chunks = buildFakeStreamChunks(resolveFakeTurn(turns['grounded']!, context(false)), 20);
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.candidates?.[0]?.groundingMetadata).toEqual({});
    }
    expect(chunks[chunks.length - 1]?.candidates?.[0]?.groundingMetadata?.groundingChunks).toEqual([
      { web: { uri: 'https://example.com/weather', title: 'example.com' } },
    ]);
  });

  it('keeps the SAFETY and blocked shapes of the recordings', () => {
    const safety = buildFakeResponse(resolveFakeTurn(turns['safety']!, context(true)));
    expect(safety.candidates?.[0]).toMatchObject({ content: {}, finishReason: 'SAFETY' });
    expect(safety.candidates?.[0]?.content).toEqual({});
    expect(safety.usageMetadata?.candidatesTokenCount).toBeUndefined();
    const blocked = buildFakeResponse(resolveFakeTurn(turns['blocked']!, context(true)));
    expect(blocked.candidates).toBeUndefined();
    expect(blocked.promptFeedback).toEqual({ blockReason: 'SAFETY' });
    expect(blocked.usageMetadata).toMatchObject({ promptTokenCount: 40, totalTokenCount: 40 });
  });

  it('never changes the objects of the script', () => {
    const scripted = turn.calls([{ name: 'f', args: { a: 1 } }], { text: 'x' });
    const snapshot = structuredClone(scripted);
    buildFakeResponse(resolveFakeTurn(scripted, context(true)));
    expect(scripted).toEqual(snapshot);
  });
});

describe('createFakeGemini streams over HTTP', () => {
  const script = () => [turn.text(longText), turn.call('get_weather', { city: 'Paris' })];

  it('frames SSE events as data: <json> followed by CRLF CRLF', async () => {
    await using fake = createFakeGemini({ script: script(), chunkSize: 20 });
    const { url } = await fake.listen();
    const result = await callFake(url, question, { mode: 'sse' });
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('text/event-stream');
    expect(result.text.endsWith('\r\n\r\n')).toBe(true);
    const events = result.text.split('\r\n\r\n').slice(0, -1);
    expect(events.length).toBeGreaterThan(3);
    for (const event of events) {
      expect(event.startsWith('data: {')).toBe(true);
      expect(event.includes('\n')).toBe(false);
    }
  });

  it('streams the JSON array form without alt=sse, with the same chunks', async () => {
    const sse = createFakeGemini({ script: script(), chunkSize: 20, seed: 3 });
    const array = createFakeGemini({ script: script(), chunkSize: 20, seed: 3 });
    const events = parseSseEvents((await callFake(sse, question, { mode: 'sse' })).text);
    const result = await callFake(array, question, { mode: 'array' });
    expect(result.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(result.text.startsWith('[{\n')).toBe(true);
    expect(result.text).toContain('\n,\r\n{');
    expect(result.text.endsWith('\n]')).toBe(true);
    expect(result.json).toEqual(events);
  });

  it('folds a streamed turn into exactly what generateContent answers for it', async () => {
    for (const gemini3Model of ['gemini-3-flash-preview', 'gemini-2.5-flash']) {
      const streamed = createFakeGemini({ script: script(), seed: 11 });
      const unary = createFakeGemini({ script: script(), seed: 11 });
      for (let index = 0; index < 2; index++) {
        const events = parseSseEvents(
          (await callFake(streamed, question, { mode: 'sse', model: gemini3Model })).text,
        ) as GenerateContentResponse[];
        const whole = await callFake(unary, question, { model: gemini3Model });
        expect(await foldStream(events)).toEqual(whole.json);
      }
    }
  });
});
