import { describe, expect, it } from 'vitest';
import { createFakeGemini } from '../create-fake-gemini.ts';
import { postToFake } from './__fixtures__/post-to-fake.ts';
import { PROBE_MODEL_VERSION, probeModel } from './probe-model.ts';

// The fixed script `gemloop probe` runs against: each kind of request gets the answer a
// well-behaved Gemini model gives, through the fake's real request checks.

type Answer = {
  modelVersion?: string;
  candidates?: Array<{
    content?: { parts?: Array<Record<string, unknown>> };
    groundingMetadata?: { webSearchQueries?: string[]; groundingChunks?: unknown[] };
  }>;
};
const user = (text: string) => ({ role: 'user', parts: [{ text }] });
const weather = {
  name: 'get_weather',
  parametersJsonSchema: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  },
};

async function ask(body: Record<string, unknown>, model?: string) {
  const fake = createFakeGemini({ script: probeModel() });
  const answer = await postToFake(fake, body, model);
  expect(answer.status, answer.text).toBe(200);
  const json = answer.json as Answer;
  expect(json.modelVersion).toBe(PROBE_MODEL_VERSION);
  const parts = json.candidates?.[0]?.content?.parts ?? [];
  return {
    json,
    parts,
    text: parts
      .filter((part) => part['thought'] !== true)
      .map((part) => part['text'] ?? '')
      .join(''),
  };
}

describe('probeModel', () => {
  it('obeys a system instruction naming its one-word answer', async () => {
    const { text } = await ask({
      systemInstruction: { parts: [{ text: 'Reply with exactly the word PINEAPPLE.' }] },
      contents: [user('hi')],
    });
    expect(text).toBe('PINEAPPLE');
  });

  it('answers grounded with a query and a source when Google Search is declared', async () => {
    const { json, text } = await ask({
      contents: [user('Who won?')],
      tools: [{ googleSearch: {} }],
    });
    expect(text).toContain('Krasznahorkai');
    const grounding = json.candidates?.[0]?.groundingMetadata;
    expect(grounding?.webSearchQueries).toEqual(['Nobel Prize in Literature 2025']);
    expect(grounding?.groundingChunks).toHaveLength(1);
  });

  it('calls the first declared function for Paris, and Paris and Oslo when Oslo is named', async () => {
    const one = await ask({
      contents: [user('Weather?')],
      tools: [{ functionDeclarations: [weather] }],
    });
    expect(one.parts.map((part) => part['functionCall'])).toEqual([
      expect.objectContaining({ name: 'get_weather', args: { city: 'Paris' } }),
    ]);
    const two = await ask({
      contents: [user('Paris and Oslo?')],
      tools: [{ functionDeclarations: [weather] }],
    });
    expect(two.parts.map((part) => (part['functionCall'] as { args: unknown }).args)).toEqual([
      { city: 'Paris' },
      { city: 'Oslo' },
    ]);
  });

  it('answers in a sentence once the results are back', async () => {
    const { text } = await ask(
      {
        contents: [
          user('Weather?'),
          {
            role: 'model',
            parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }],
          },
          {
            role: 'user',
            parts: [{ functionResponse: { name: 'get_weather', response: { sky: 'sun' } } }],
          },
        ],
        tools: [{ functionDeclarations: [weather] }],
      },
      // A 2.5 model: the hand-written history carries no thought signature, which Gemini 3 needs.
      'gemini-2.5-flash',
    );
    expect(text).toBe('It is sunny in Paris.');
  });

  it('writes JSON with each required property under a schema, its first enum value', async () => {
    const { text } = await ask({
      contents: [user('Pick')],
      generationConfig: {
        responseMimeType: 'application/json',
        responseJsonSchema: {
          type: 'object',
          properties: {
            size: { type: 'string', enum: ['S', 'M'] },
            city: { type: 'string' },
            note: { type: 'string' },
          },
          required: ['size', 'city'],
        },
      },
    });
    expect(JSON.parse(text)).toEqual({ size: 'S', city: 'Lyon' });
  });

  it('writes unguided JSON in JSON mode without a schema', async () => {
    const { text } = await ask({
      contents: [user('x')],
      generationConfig: { responseMimeType: 'application/json' },
    });
    expect(JSON.parse(text)).toEqual({ city: 'Lyon' });
  });

  it('adds a thought summary only when asked', async () => {
    const withThoughts = await ask({
      contents: [user('count')],
      generationConfig: { thinkingConfig: { includeThoughts: true } },
    });
    expect(withThoughts.parts.some((part) => part['thought'] === true)).toBe(true);
    const plain = await ask({ contents: [user('count')] });
    expect(plain.parts.some((part) => part['thought'] === true)).toBe(false);
    expect(plain.text.length).toBeGreaterThan(100);
  });
});
