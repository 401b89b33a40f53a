import { describe, expect, it } from 'vitest';
import type { Part } from '../wire/content.ts';
import type { Candidate, GenerateContentResponse } from '../wire/response.ts';
import { createStreamAccumulator } from './create-stream-accumulator.ts';

/** One chunk with one candidate (index 0) holding `parts`, plus candidate fields. */
function chunk(
  parts: Part[] | undefined,
  fields: Partial<Candidate> = {},
): GenerateContentResponse {
  return { candidates: [{ content: { role: 'model', parts }, index: 0, ...fields }] };
}

function fold(...chunks: GenerateContentResponse[]): GenerateContentResponse {
  const accumulator = createStreamAccumulator();
  for (const item of chunks) accumulator.push(item);
  return accumulator.response();
}

function partsOf(response: GenerateContentResponse, candidate = 0): Part[] | undefined {
  return response.candidates?.[candidate]?.content?.parts;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('createStreamAccumulator', () => {
  describe('text', () => {
    it('merges adjacent text parts into one', () => {
      const response = fold(chunk([{ text: 'Hel' }]), chunk([{ text: 'lo' }, { text: ' world' }]));
      expect(partsOf(response)).toEqual([{ text: 'Hello world' }]);
    });

    it('keeps thought text and answer text in separate parts, in order', () => {
      const response = fold(
        chunk([{ text: 'Think', thought: true }]),
        chunk([{ text: 'ing', thought: true }]),
        chunk([{ text: 'Answer' }]),
        chunk([{ text: ' done' }]),
      );
      expect(partsOf(response)).toEqual([
        { text: 'Thinking', thought: true },
        { text: 'Answer done' },
      ]);
    });

    it('treats thought: false like an absent flag', () => {
      const response = fold(chunk([{ text: 'a', thought: false }]), chunk([{ text: 'b' }]));
      expect(partsOf(response)).toEqual([{ text: 'ab', thought: false }]);
    });

    it('drops an empty text part that carries nothing else (the Gemini 3 STOP chunk)', () => {
      const response = fold(
        chunk([{ functionCall: { name: 'f', args: {} }, thoughtSignature: 'S1' }]),
        chunk([{ text: '' }], { finishReason: 'STOP' }),
      );
      expect(partsOf(response)).toEqual([
        { functionCall: { name: 'f', args: {} }, thoughtSignature: 'S1' },
      ]);
      expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    });

    it('moves the signature of a final empty chunk onto the text before it', () => {
      const response = fold(
        chunk([{ text: 'The answer' }]),
        chunk([{ text: ' is 4.' }]),
        chunk([{ text: '', thoughtSignature: 'SIG' }], { finishReason: 'STOP' }),
      );
      expect(partsOf(response)).toEqual([{ text: 'The answer is 4.', thoughtSignature: 'SIG' }]);
    });

    it('keeps a final empty-text signature as its own part when the text before is signed', () => {
      const response = fold(
        chunk([{ text: 'First', thoughtSignature: 'A' }]),
        chunk([{ text: '', thoughtSignature: 'B' }]),
      );
      expect(partsOf(response)).toEqual([
        { text: 'First', thoughtSignature: 'A' },
        { text: '', thoughtSignature: 'B' },
      ]);
    });

    it('keeps an empty-text signature as its own part after a function call', () => {
      const response = fold(
        chunk([{ functionCall: { name: 'f', args: {} } }]),
        chunk([{ text: '', thoughtSignature: 'S' }]),
      );
      expect(partsOf(response)).toEqual([
        { functionCall: { name: 'f', args: {} } },
        { text: '', thoughtSignature: 'S' },
      ]);
    });

    it('does not give an answer-text signature to a thought part', () => {
      const response = fold(
        chunk([{ text: 'hmm', thought: true }]),
        chunk([{ text: '', thoughtSignature: 'S' }]),
      );
      expect(partsOf(response)).toEqual([
        { text: 'hmm', thought: true },
        { text: '', thoughtSignature: 'S' },
      ]);
    });

    it('keeps a signature that came on the first text chunk (Gemini 2.5 Pro)', () => {
      const response = fold(
        chunk([{ text: 'Plan', thought: true }]),
        chunk([{ text: 'Step 1.', thoughtSignature: 'FIRST' }]),
        chunk([{ text: ' Step 2.' }]),
        chunk([{ text: ' Done.' }], { finishReason: 'STOP' }),
      );
      expect(partsOf(response)).toEqual([
        { text: 'Plan', thought: true },
        { text: 'Step 1. Step 2. Done.', thoughtSignature: 'FIRST' },
      ]);
    });

    it('never merges two text parts that carry different signatures', () => {
      const response = fold(
        chunk([{ text: 'one', thoughtSignature: 'A' }]),
        chunk([{ text: 'two', thoughtSignature: 'B' }]),
        chunk([{ text: ' more' }]),
      );
      expect(partsOf(response)).toEqual([
        { text: 'one', thoughtSignature: 'A' },
        { text: 'two more', thoughtSignature: 'B' },
      ]);
    });

    it('keeps a text part with other fields whole instead of merging it', () => {
      const response = fold(
        chunk([{ text: 'a' }]),
        chunk([{ text: 'b', partMetadata: { source: 'x' } }]),
        chunk([{ text: 'c' }]),
      );
      expect(partsOf(response)).toEqual([
        { text: 'a' },
        { text: 'b', partMetadata: { source: 'x' } },
        { text: 'c' },
      ]);
    });

    it('starts a new text part after any non-text part', () => {
      const response = fold(
        chunk([{ text: 'before' }]),
        chunk([{ executableCode: { language: 'PYTHON', code: 'print(1)' } }]),
        chunk([{ codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1\n' } }]),
        chunk([{ text: 'after' }]),
      );
      expect(partsOf(response)).toEqual([
        { text: 'before' },
        { executableCode: { language: 'PYTHON', code: 'print(1)' } },
        { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1\n' } },
        { text: 'after' },
      ]);
    });
  });

  // The open text part's text is joined into flat segments every few hundred chunks (a memory
  // measure): long answers cross many of those joins, and nothing may move, be lost or leak.
  describe('long text across many chunks', () => {
    /** `count` deltas with an emoji split between two chunks (its two UTF-16 halves) every 7th. */
    function deltas(count: number, tag: string): string[] {
      const emoji = '😀';
      const out: string[] = [];
      for (let index = 0; index < count; index++) {
        let delta = `${tag}${index} `;
        if (index % 7 === 6) delta += emoji[0]; // the high surrogate ends this chunk...
        if (index % 7 === 0 && index > 0) delta = `${emoji[1]}${delta}`; // ...the low one starts the next
        out.push(delta);
      }
      return out;
    }

    it('keeps every character in order, surrogate halves split across chunks included', () => {
      const pieces = deltas(2_000, 'w');
      const response = fold(...pieces.map((text) => chunk([{ text }])));
      const text = partsOf(response)?.[0]?.text;
      expect(text).toBe(pieces.join(''));
      expect(text?.includes('😀')).toBe(true);
      expect(partsOf(response)).toHaveLength(1);
    });

    it('splits thought and answer text at the right chunk after hundreds of each', () => {
      const thought = deltas(700, 't');
      const answer = deltas(513, 'a');
      const response = fold(
        ...thought.map((text) => chunk([{ text, thought: true }])),
        ...answer.map((text) => chunk([{ text }])),
        chunk([{ text: '', thoughtSignature: 'SIG' }], { finishReason: 'STOP' }),
      );
      expect(partsOf(response)).toEqual([
        { text: thought.join(''), thought: true },
        { text: answer.join(''), thoughtSignature: 'SIG' },
      ]);
    });

    it('closes the long text part before a function call and opens a new one after it', () => {
      const before = deltas(300, 'b');
      const after = deltas(257, 'c');
      const response = fold(
        ...before.map((text) => chunk([{ text }])),
        chunk([{ functionCall: { name: 'f', args: { x: 1 } }, thoughtSignature: 'S' }]),
        ...after.map((text) => chunk([{ text }])),
      );
      expect(partsOf(response)).toEqual([
        { text: before.join('') },
        { functionCall: { name: 'f', args: { x: 1 } }, thoughtSignature: 'S' },
        { text: after.join('') },
      ]);
    });

    it('hands out responses mid-stream that later chunks do not change', () => {
      const pieces = deltas(1_000, 'm');
      const accumulator = createStreamAccumulator();
      const seen: Array<string | undefined> = [];
      for (const [index, text] of pieces.entries()) {
        accumulator.push(chunk([{ text }], index === 0 ? {} : { index: 0 }));
        // Just before, at and just after a join, and far from one.
        if (index === 254 || index === 255 || index === 256 || index === 600) {
          seen.push(partsOf(accumulator.response())?.[0]?.text);
        }
      }
      expect(seen).toEqual([
        pieces.slice(0, 255).join(''),
        pieces.slice(0, 256).join(''),
        pieces.slice(0, 257).join(''),
        pieces.slice(0, 601).join(''),
      ]);
      expect(partsOf(accumulator.response())?.[0]?.text).toBe(pieces.join(''));
    });

    it('keeps the part fields in the order the first chunk sent them', () => {
      const pieces = deltas(600, 'k');
      const response = fold(
        chunk([{ thought: true, text: pieces[0] as string }]),
        ...pieces.slice(1).map((text) => chunk([{ thought: true, text }])),
      );
      const part = partsOf(response)?.[0] as Part;
      expect(Object.keys(part)).toEqual(['thought', 'text']);
      expect(part.text).toBe(pieces.join(''));
    });
  });

  describe('function calls and other parts', () => {
    it('keeps parallel function calls whole and separate, with ids and signatures', () => {
      const first = {
        functionCall: { id: 'a1', name: 'f', args: { x: 1 } },
        thoughtSignature: 'S',
      };
      const second = { functionCall: { id: 'b2', name: 'g', args: {} } };
      const response = fold(chunk([first]), chunk([second]), chunk([{ text: '' }]));
      expect(partsOf(response)).toEqual([first, second]);
    });

    it('keeps toolCall, toolResponse and inlineData parts as they came', () => {
      const parts: Part[] = [
        { toolCall: { id: 't', toolType: 'GOOGLE_SEARCH_WEB', args: { queries: ['q'] } } },
        { toolResponse: { id: 't', toolType: 'GOOGLE_SEARCH_WEB', response: {} } },
        { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
      ];
      const response = fold(...parts.map((part) => chunk([part])));
      expect(partsOf(response)).toEqual(parts);
    });

    it('keeps unknown part kinds', () => {
      const part = { futureThing: { value: 1 } } as Part;
      expect(partsOf(fold(chunk([part])))).toEqual([part]);
    });
  });

  describe('Vertex partial-argument function calls', () => {
    it('assembles nested objects and arrays from partialArgs', () => {
      const response = fold(
        chunk([{ functionCall: { name: 'cook', willContinue: true }, thoughtSignature: 'SIG' }]),
        chunk([
          {
            functionCall: {
              partialArgs: [
                { jsonPath: '$.recipe.items[0].name', stringValue: 'Lasa', willContinue: true },
              ],
              willContinue: true,
            } as never,
          },
        ]),
        chunk([
          {
            functionCall: {
              partialArgs: [{ jsonPath: '$.recipe.items[0].name', stringValue: 'gna' }],
              willContinue: true,
            } as never,
          },
        ]),
        chunk([{ functionCall: { willContinue: true } as never }]),
        chunk([
          {
            functionCall: {
              partialArgs: [
                { jsonPath: '$.recipe.items[1].count', numberValue: 2 },
                { jsonPath: '$.recipe.vegan', boolValue: false },
                { jsonPath: '$.recipe.note', nullValue: 'NULL_VALUE' },
              ],
              willContinue: true,
            } as never,
          },
        ]),
        chunk([{ functionCall: {} as never }], { finishReason: 'STOP' }),
      );
      expect(partsOf(response)).toEqual([
        {
          functionCall: {
            name: 'cook',
            args: {
              recipe: { items: [{ name: 'Lasagna' }, { count: 2 }], vegan: false, note: null },
            },
          },
          thoughtSignature: 'SIG',
        },
      ]);
    });

    it('ends a call on a fragment without willContinue when the terminator is missing', () => {
      const response = fold(
        chunk([{ functionCall: { name: 'write', willContinue: true } }]),
        chunk([
          {
            functionCall: {
              partialArgs: [{ jsonPath: '$.price', numberValue: 0.3 }],
            } as never,
          },
        ]),
        chunk([{ text: '' }], { finishReason: 'STOP' }),
        chunk([{ functionCall: { name: 'next', args: {} } }]),
      );
      expect(partsOf(response)).toEqual([
        { functionCall: { name: 'write', args: { price: 0.3 } } },
        { functionCall: { name: 'next', args: {} } },
      ]);
    });

    it('finishes a call still open when the stream ends', () => {
      const response = fold(
        chunk([{ functionCall: { name: 'f', willContinue: true } }]),
        chunk([
          {
            functionCall: {
              partialArgs: [{ jsonPath: '$.q', stringValue: 'abc', willContinue: true }],
              willContinue: true,
            } as never,
          },
        ]),
      );
      expect(partsOf(response)).toEqual([{ functionCall: { name: 'f', args: { q: 'abc' } } }]);
    });

    it('drops a stray terminator that belongs to no call', () => {
      const response = fold(
        chunk([{ functionCall: { name: 'f', args: {} } }]),
        chunk([{ functionCall: {} as never }]),
      );
      expect(partsOf(response)).toEqual([{ functionCall: { name: 'f', args: {} } }]);
    });

    it('starts a second streamed call when a new name arrives before a terminator', () => {
      const response = fold(
        chunk([{ functionCall: { name: 'a', willContinue: true } }]),
        chunk([{ functionCall: { name: 'b', willContinue: true } }]),
        chunk([
          {
            functionCall: {
              partialArgs: [{ jsonPath: '$.x', boolValue: true }],
            } as never,
          },
        ]),
      );
      expect(partsOf(response)).toEqual([
        { functionCall: { name: 'a', args: {} } },
        { functionCall: { name: 'b', args: { x: true } } },
      ]);
    });
  });

  describe('candidate and response fields', () => {
    it('takes usage and finishReason from the last chunk that has them', () => {
      const response = fold(
        { ...chunk([{ text: 'a' }]), usageMetadata: { promptTokenCount: 55, totalTokenCount: 59 } },
        { ...chunk([{ text: 'b' }]), usageMetadata: { promptTokenCount: 55, totalTokenCount: 63 } },
        {
          ...chunk([{ text: '' }], { finishReason: 'STOP', finishMessage: 'done' }),
          usageMetadata: { promptTokenCount: 257, totalTokenCount: 265 },
        },
      );
      expect(response.usageMetadata).toEqual({ promptTokenCount: 257, totalTokenCount: 265 });
      expect(response.candidates?.[0]).toMatchObject({
        finishReason: 'STOP',
        finishMessage: 'done',
      });
    });

    it('keeps the last non-empty groundingMetadata and the early urlContextMetadata', () => {
      const grounding = { webSearchQueries: ['q'], groundingChunks: [{ web: { uri: 'u' } }] };
      const urlContext = { urlMetadata: [{ retrievedUrl: 'https://example.com' }] };
      const response = fold(
        chunk([{ text: 'a' }], { groundingMetadata: {}, urlContextMetadata: urlContext }),
        chunk([{ text: 'b' }], { groundingMetadata: {} }),
        chunk([{ text: 'c' }], { groundingMetadata: grounding, urlContextMetadata: {} }),
        chunk([{ text: '' }], { groundingMetadata: {} }),
      );
      expect(response.candidates?.[0]?.groundingMetadata).toEqual(grounding);
      expect(response.candidates?.[0]?.urlContextMetadata).toEqual(urlContext);
    });

    it('keeps an empty groundingMetadata when no chunk had a full one', () => {
      const response = fold(chunk([{ text: 'a' }], { groundingMetadata: {} }));
      expect(response.candidates?.[0]?.groundingMetadata).toEqual({});
    });

    it('keeps promptFeedback, safetyRatings, citations and unknown fields', () => {
      const response = fold(
        {
          promptFeedback: { safetyRatings: [] },
          ...chunk([{ text: 'a' }], { safetyRatings: [{ category: 'X', probability: 'LOW' }] }),
          modelVersion: 'm',
          responseId: 'r',
        },
        {
          ...chunk([{ text: 'b' }], {
            citationMetadata: { citationSources: [{ uri: 'https://c' }] },
            safetyRatings: [{ category: 'X', probability: 'NEGLIGIBLE' }],
            futureCandidateField: 2,
          } as Partial<Candidate>),
          futureTopField: { a: 1 },
          modelVersion: 'm',
          responseId: 'r',
        } as GenerateContentResponse,
      );
      expect(response).toMatchObject({
        promptFeedback: { safetyRatings: [] },
        modelVersion: 'm',
        responseId: 'r',
        futureTopField: { a: 1 },
        candidates: [
          {
            citationMetadata: { citationSources: [{ uri: 'https://c' }] },
            safetyRatings: [{ category: 'X', probability: 'NEGLIGIBLE' }],
            futureCandidateField: 2,
          },
        ],
      });
    });

    it('folds a blocked prompt without candidates', () => {
      const blocked = {
        promptFeedback: { blockReason: 'MODEL_ARMOR', blockReasonMessage: 'no' },
        usageMetadata: { trafficType: 'ON_DEMAND' },
      };
      expect(fold(blocked)).toEqual(blocked);
    });

    it('keeps content without parts (SAFETY, MAX_TOKENS spent on thinking)', () => {
      const response = fold({
        candidates: [{ content: { role: 'model' }, finishReason: 'MAX_TOKENS', index: 0 }],
      });
      expect(response.candidates).toEqual([
        { content: { role: 'model' }, finishReason: 'MAX_TOKENS', index: 0 },
      ]);
      expect(fold({ candidates: [{ content: {}, finishReason: 'SAFETY' }] }).candidates).toEqual([
        { content: {}, finishReason: 'SAFETY' },
      ]);
    });

    it('matches candidates by index, absent meaning 0, and orders them by index', () => {
      const response = fold(
        { candidates: [{ index: 1, content: { parts: [{ text: 'B1' }] } }] },
        { candidates: [{ content: { parts: [{ text: 'A1' }] } }] },
        {
          candidates: [
            { index: 0, content: { parts: [{ text: 'A2' }] }, finishReason: 'STOP' },
            { index: 1, content: { parts: [{ text: 'B2' }] }, finishReason: 'MAX_TOKENS' },
          ],
        },
      );
      expect(response.candidates).toEqual([
        { content: { parts: [{ text: 'A1A2' }] }, index: 0, finishReason: 'STOP' },
        { index: 1, content: { parts: [{ text: 'B1B2' }] }, finishReason: 'MAX_TOKENS' },
      ]);
    });

    it('treats null fields as absent', () => {
      const response = fold({ ...chunk([{ text: 'a' }]), usageMetadata: { totalTokenCount: 3 } }, {
        ...chunk([{ text: 'b', thoughtSignature: null } as never]),
        usageMetadata: null,
      } as never);
      expect(response.usageMetadata).toEqual({ totalTokenCount: 3 });
      expect(partsOf(response)).toEqual([{ text: 'ab' }]);
    });
  });

  describe('ownership', () => {
    it('never modifies the chunks it is given', () => {
      const chunks = deepFreeze([
        chunk([{ text: 'a' }]),
        chunk([{ text: 'b' }]),
        chunk([{ text: '', thoughtSignature: 'S' }]),
        chunk([{ functionCall: { name: 'f', willContinue: true, args: { fixed: 1 } } }]),
        chunk([
          {
            functionCall: {
              partialArgs: [{ jsonPath: '$.x', numberValue: 1 }],
              willContinue: true,
            } as never,
          },
        ]),
        chunk([{ functionCall: {} as never }]),
      ]);
      const response = fold(...chunks);
      expect(partsOf(response)).toEqual([
        { text: 'ab', thoughtSignature: 'S' },
        { functionCall: { name: 'f', args: { fixed: 1, x: 1 } } },
      ]);
      expect(chunks[0]?.candidates?.[0]?.content?.parts).toEqual([{ text: 'a' }]);
    });

    it('does not change a response already returned when more chunks arrive', () => {
      const accumulator = createStreamAccumulator();
      accumulator.push(chunk([{ text: 'Hel' }]));
      accumulator.push(chunk([{ functionCall: { name: 'f', willContinue: true } }]));
      accumulator.push(
        chunk([
          {
            functionCall: {
              partialArgs: [{ jsonPath: '$.q', stringValue: 'a', willContinue: true }],
              willContinue: true,
            } as never,
          },
        ]),
      );
      const early = accumulator.response();
      const earlyCopy = structuredClone(early);
      accumulator.push(
        chunk([
          {
            functionCall: {
              partialArgs: [{ jsonPath: '$.q', stringValue: 'bc' }],
            } as never,
          },
        ]),
      );
      accumulator.push(chunk([{ text: 'lo' }], { finishReason: 'STOP' }));
      expect(early).toEqual(earlyCopy);
      expect(partsOf(accumulator.response())).toEqual([
        { text: 'Hel' },
        { functionCall: { name: 'f', args: { q: 'abc' } } },
        { text: 'lo' },
      ]);
    });

    it('returns the same text part after merging twice in a row without losing text', () => {
      const accumulator = createStreamAccumulator();
      accumulator.push(chunk([{ text: 'a' }]));
      const first = accumulator.response();
      accumulator.push(chunk([{ text: 'b' }]));
      expect(partsOf(first)).toEqual([{ text: 'a' }]);
      expect(partsOf(accumulator.response())).toEqual([{ text: 'ab' }]);
    });
  });
});
