import { afterEach, describe, expect, it } from 'vitest';
import { callFake, parseSseEvents } from '../__fixtures__/call-fake.ts';
import { createFakeGemini, type FakeGemini } from '../create-fake-gemini.ts';
import { type FakeTurn, turn } from './fake-turn.ts';

// Each turn builder as the wire shows it: a generateContent answer, the SSE stream of
// streamGenerateContent?alt=sse and the JSON array without alt, judged by what the API does
// (recordings in test/fixtures/gemini/streams and responses): every chunk of one answer shares
// responseId and modelVersion, only the last one carries finishReason, a stream folds to the
// unary answer, and Gemini 3 signs the first function call of a turn and gives calls ids.

type Chunk = {
  candidates?: {
    content?: { role?: string; parts?: Record<string, unknown>[] };
    finishReason?: string;
    finishMessage?: string;
    groundingMetadata?: Record<string, unknown>;
    safetyRatings?: unknown[];
  }[];
  promptFeedback?: { blockReason?: string };
  usageMetadata?: Record<string, number | unknown>;
  modelVersion?: string;
  responseId?: string;
};

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const ask = { contents: [{ role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] }] };

/** The answer to one turn, unary and streamed both ways, each from a fresh fake. */
async function answers(script: FakeTurn, model = 'gemini-3-flash-preview') {
  const fake = createFakeGemini({ script: [script, script, script], seed: 7 });
  fakes.push(fake);
  const unary = await callFake(fake, ask, { model });
  const sse = await callFake(fake, ask, { model, mode: 'sse' });
  const array = await callFake(fake, ask, { model, mode: 'array' });
  expect([unary.status, sse.status, array.status]).toEqual([200, 200, 200]);
  return {
    unary: unary.json as Chunk,
    sse: parseSseEvents(sse.text) as Chunk[],
    sseText: sse.text,
    array: array.json as Chunk[],
  };
}

/** A stream folded as a client folds it: parts concatenated, texts of adjacent parts joined. */
function fold(chunks: Chunk[]): { parts: Record<string, unknown>[]; finishReason?: string } {
  const parts: Record<string, unknown>[] = [];
  for (const chunk of chunks) {
    for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
      const { thoughtSignature: _signature, ...rest } = part;
      const last = parts.at(-1);
      if (
        typeof rest['text'] === 'string' &&
        last !== undefined &&
        typeof last['text'] === 'string' &&
        last['thought'] === rest['thought']
      ) {
        last['text'] = `${last['text']}${rest['text']}`;
      } else if (!(rest['text'] === '' && Object.keys(rest).length === 1)) {
        parts.push({ ...rest });
      }
    }
  }
  const finishReason = chunks.at(-1)?.candidates?.[0]?.finishReason;
  return finishReason === undefined ? { parts } : { parts, finishReason };
}

const withoutSignatures = (parts: Record<string, unknown>[] = []) =>
  parts.map(({ thoughtSignature: _signature, ...rest }) => {
    const call = rest['functionCall'] as Record<string, unknown> | undefined;
    if (call === undefined) return rest;
    const { id: _id, ...callRest } = call;
    return { ...rest, functionCall: callRest };
  });

function expectOneAnswer(chunks: Chunk[]): void {
  expect(chunks.length).toBeGreaterThan(0);
  const ids = new Set(chunks.map((chunk) => chunk.responseId));
  const versions = new Set(chunks.map((chunk) => chunk.modelVersion));
  expect(ids.size).toBe(1);
  expect(versions.size).toBe(1);
  for (const chunk of chunks.slice(0, -1)) {
    expect(chunk.candidates?.[0]?.finishReason).toBeUndefined();
  }
}

const builders: [string, FakeTurn][] = [
  ['text', turn.text('It is 18 °C in Paris.')],
  ['json', turn.json({ city: 'Paris', celsius: 18, tags: ['mild'] })],
  ['call', turn.call('get_weather', { city: 'Paris' })],
  [
    'calls after a text',
    turn.calls(
      [
        { name: 'get_weather', args: { city: 'Paris' } },
        { name: 'get_weather', args: { city: 'Rome' } },
      ],
      { text: 'Checking both.' },
    ),
  ],
  ['text with thoughts', turn.text('Done.', { thoughts: ['First I look.', 'Then I say.'] })],
  [
    'grounded',
    turn.grounded('Paris is mild today.', {
      sources: [{ uri: 'https://weather.example/paris', title: 'Paris weather' }],
    }),
  ],
];

describe('turn builders on the wire', () => {
  it.each(builders)(
    '%s: the streams are one answer that folds to the unary one',
    async (_name, script) => {
      const { unary, sse, array } = await answers(script);
      expectOneAnswer(sse);
      expectOneAnswer(array);
      const unaryParts = withoutSignatures(unary.candidates?.[0]?.content?.parts);
      expect(withoutSignatures(fold(sse).parts)).toEqual(unaryParts);
      expect(withoutSignatures(fold(array).parts)).toEqual(unaryParts);
      expect(fold(sse).finishReason).toBe(unary.candidates?.[0]?.finishReason);
      expect(unary.candidates?.[0]?.content?.role).toBe('model');
    },
  );

  it('frames every SSE event as data: <json> and a blank line, CRLF as the API does', async () => {
    const { sseText } = await answers(turn.calls([{ name: 'a' }, { name: 'b' }], { text: 'x' }));
    expect(sseText.startsWith('data: {')).toBe(true);
    expect(sseText.endsWith('\r\n\r\n')).toBe(true);
    for (const event of sseText.split('\r\n\r\n').filter((each) => each !== '')) {
      expect(event).toMatch(/^data: \{/);
      expect(event).not.toContain('\n');
    }
  });

  it('serialises a JSON answer with two-space indentation, as structured output reads', async () => {
    const { unary } = await answers(turn.json({ a: [1, { b: null }] }));
    const text = unary.candidates?.[0]?.content?.parts?.[0]?.['text'] as string;
    expect(text).toBe(JSON.stringify({ a: [1, { b: null }] }, null, 2));
    expect(JSON.parse(text)).toEqual({ a: [1, { b: null }] });
  });

  it('puts thought summaries before the answer, marked thought: true', async () => {
    const { unary } = await answers(turn.text('Done.', { thoughts: 'Let me think.' }));
    expect(withoutSignatures(unary.candidates?.[0]?.content?.parts)).toEqual([
      { text: 'Let me think.', thought: true },
      { text: 'Done.' },
    ]);
  });

  it('adds up usage: total = prompt + candidates + thoughts', async () => {
    for (const script of builders.map(([, each]) => each)) {
      const { unary } = await answers(script);
      const usage = unary.usageMetadata as Record<string, number>;
      expect(usage['totalTokenCount']).toBe(
        (usage['promptTokenCount'] ?? 0) +
          (usage['candidatesTokenCount'] ?? 0) +
          (usage['thoughtsTokenCount'] ?? 0) +
          (usage['toolUsePromptTokenCount'] ?? 0),
      );
    }
  });
});

describe('function calls as Gemini 3 and Gemini 2.5 send them', () => {
  const parallel = turn.calls([
    { name: 'get_weather', args: { city: 'Paris' } },
    { name: 'get_weather', args: { city: 'Rome' } },
    { name: 'get_time', args: {} },
  ]);

  it('Gemini 3: signs the first call only, gives every call its own 8-character id', async () => {
    const { unary } = await answers(parallel);
    const parts = unary.candidates?.[0]?.content?.parts ?? [];
    expect(parts.map((part) => typeof part['thoughtSignature'])).toEqual([
      'string',
      'undefined',
      'undefined',
    ]);
    const ids = parts.map((part) => (part['functionCall'] as { id: string }).id);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{8}$/);
    expect(new Set(ids).size).toBe(3);
    expect(unary.candidates?.[0]?.finishMessage).toBe('Model generated function call(s).');
  });

  it('Gemini 2.5: neither signatures nor ids', async () => {
    const { unary } = await answers(parallel, 'gemini-2.5-flash');
    const parts = unary.candidates?.[0]?.content?.parts ?? [];
    for (const part of parts) {
      expect(part).not.toHaveProperty('thoughtSignature');
      expect(part['functionCall']).not.toHaveProperty('id');
    }
  });

  it('keeps an explicit id and signature, and leaves out what is written as null', async () => {
    const { unary } = await answers(
      turn.calls([
        { name: 'a', id: 'mine-1', thoughtSignature: null },
        { name: 'b', id: null, thoughtSignature: 'c2lnbmF0dXJl' },
      ]),
    );
    expect(unary.candidates?.[0]?.content?.parts).toEqual([
      { functionCall: { name: 'a', args: {}, id: 'mine-1' } },
      { functionCall: { name: 'b', args: {} }, thoughtSignature: 'c2lnbmF0dXJl' },
    ]);
  });

  it('sends arguments with unicode, nulls, nesting and a __proto__ key as they were written', async () => {
    const args = JSON.parse(
      '{"city":"Zürich 🌧","when":null,"deep":{"a":[{"b":[1,2,{"c":"\\u0000"}]}]},"__proto__":{"polluted":true}}',
    );
    const { unary, sse } = await answers(turn.call('lookup', args));
    const call = unary.candidates?.[0]?.content?.parts?.[0]?.['functionCall'] as { args: object };
    const sent = call.args;
    expect(sent).toEqual(args);
    expect(Object.keys(sent)).toContain('__proto__');
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(withoutSignatures(fold(sse).parts)).toEqual([
      { functionCall: { name: 'lookup', args } },
    ]);
  });
});

describe('answers that are not a plain answer', () => {
  it('blocked: no candidates at all, the reason in promptFeedback', async () => {
    const { unary, sse } = await answers(turn.blocked('BLOCKLIST'));
    expect(unary).not.toHaveProperty('candidates');
    expect(unary.promptFeedback).toEqual({ blockReason: 'BLOCKLIST' });
    expect(sse).toHaveLength(1);
    expect(sse[0]?.promptFeedback).toEqual({ blockReason: 'BLOCKLIST' });
  });

  it('safety: content {}, finishReason SAFETY, the ratings with the blocked one', async () => {
    const { unary } = await answers(turn.safety());
    const candidate = unary.candidates?.[0];
    expect(candidate?.content).toEqual({});
    expect(candidate?.finishReason).toBe('SAFETY');
    expect(candidate?.safetyRatings).toContainEqual(expect.objectContaining({ blocked: true }));
  });

  it('maxTokens: the partial text, or a content with no parts when thinking spent the budget', async () => {
    const cut = await answers(turn.maxTokens('It is 18'));
    expect(cut.unary.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
    expect(withoutSignatures(cut.unary.candidates?.[0]?.content?.parts)).toEqual([
      { text: 'It is 18' },
    ]);
    const spent = await answers(turn.maxTokens());
    expect(spent.unary.candidates?.[0]?.content).toEqual({ role: 'model' });
    expect(spent.unary.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
  });

  it('malformed and too many calls: empty content and the finish message', async () => {
    const malformed = await answers(turn.malformedFunctionCall('Malformed function call: x('));
    expect(malformed.unary.candidates?.[0]).toMatchObject({
      content: {},
      finishReason: 'MALFORMED_FUNCTION_CALL',
      finishMessage: 'Malformed function call: x(',
    });
    const tooMany = await answers(turn.tooManyToolCalls());
    expect(tooMany.unary.candidates?.[0]).toMatchObject({
      content: {},
      finishReason: 'TOO_MANY_TOOL_CALLS',
    });
  });

  it('empty: a model content without parts, finishReason STOP', async () => {
    const { unary } = await answers(turn.empty());
    expect(unary.candidates?.[0]?.content).toEqual({ role: 'model' });
    expect(unary.candidates?.[0]?.finishReason).toBe('STOP');
  });

  it('raw: sent exactly, nothing added; as chunks, the stream is those chunks', async () => {
    const one = { candidates: [{ content: { parts: [{ text: 'as is' }] } }] };
    const { unary, sse } = await answers(turn.raw(one));
    expect(unary).toEqual(one);
    expect(sse).toEqual([one]);
    const chunks = [
      { candidates: [{ content: { role: 'model', parts: [{ text: 'a' }] } }] },
      {
        candidates: [{ content: { role: 'model', parts: [{ text: 'b' }] }, finishReason: 'STOP' }],
      },
    ];
    const streamed = await answers(turn.raw(chunks));
    expect(streamed.sse).toEqual(chunks);
    expect(streamed.array).toEqual(chunks);
    expect(streamed.unary).toEqual(chunks[1]);
  });
});

describe('turn.grounded', () => {
  it('cites every source over the whole text, its end in UTF-8 bytes as the API counts', async () => {
    const text = 'Zürich: 🌧 all day.';
    const { unary } = await answers(
      turn.grounded(text, {
        sources: [
          { uri: 'https://a.example', title: 'A' },
          { uri: 'https://b.example', title: 'B' },
        ],
        queries: ['zürich weather'],
      }),
    );
    const grounding = unary.candidates?.[0]?.groundingMetadata as Record<string, unknown>;
    expect(grounding['groundingSupports']).toEqual([
      {
        segment: { endIndex: Buffer.byteLength(text, 'utf8'), text },
        groundingChunkIndices: [0, 1],
      },
    ]);
    expect(grounding['webSearchQueries']).toEqual(['zürich weather']);
    expect(grounding['groundingChunks']).toEqual([
      { web: { uri: 'https://a.example', title: 'A' } },
      { web: { uri: 'https://b.example', title: 'B' } },
    ]);
  });

  it('escapes the queries in the search entry point it renders', () => {
    const grounded = turn.grounded('x', {
      sources: [],
      queries: ['<img src=x onerror=alert(1)> & "more"'],
    });
    const html = grounded.groundingMetadata?.searchEntryPoint?.renderedContent ?? '';
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62; &#38; &#34;more&#34;');
  });

  it('makes its default query of the first 40 characters without cutting a character in half', () => {
    const text = `${'a'.repeat(39)}😀 and more`;
    const grounded = turn.grounded(text, { sources: [] });
    const [query] = grounded.groundingMetadata?.webSearchQueries ?? [];
    expect(query).not.toMatch(/[\ud800-\udbff]$/);
    expect(text.startsWith(query as string)).toBe(true);
  });

  it('sends the grounding on the stream: {} before the last chunk, the whole on the last', async () => {
    const { sse } = await answers(
      turn.grounded('Paris is mild.', { sources: [{ uri: 'https://a.example', title: 'A' }] }),
    );
    const last = sse.at(-1)?.candidates?.[0]?.groundingMetadata;
    expect(last).toHaveProperty('groundingChunks');
    for (const chunk of sse.slice(0, -1)) {
      expect(chunk.candidates?.[0]?.groundingMetadata ?? {}).toEqual({});
    }
  });
});
