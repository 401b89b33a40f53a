import { createStreamAccumulator } from '@gemloop/core/streaming';
import type { GenerateContentResponse, Part } from '@gemloop/core/wire';
import { describe, expect, it } from 'vitest';
import * as rare from '../../../../testing/src/__fixtures__/rare-model-turns.ts';
import { packChunks, unpackChunks } from './packed-chunks.ts';

// attack46b: a streamed model step's record (packed: each chunk as what changed from the one
// before, the texts joined once) must give back chunks that fold to the model's Content verbatim
// after a crash, for rare and newer shapes too: signatures on text, calls and empty text;
// thought parts; code execution; model media; `videoMetadata`, `partMetadata`; call ids; a part,
// a Content and a call with a key this version does not know; parts of different kinds at the
// same index of consecutive chunks (the diff's hardest case). A replay hands the agent these
// chunks, so the fold, and the next request, are the same as on the first run.

// The rare call turn's parts: the signed text in two pieces, another kind at the future part's
// index in the next chunk, an empty text last.
const parts = [
  ...rare.callParts({
    futureCallField: 1,
    signedText: [{ text: 'Let me ', thoughtSignature: 'c2lnLXRleHQ=' }, { text: 'look.' }],
    afterCall: [rare.parallelCall()],
    afterFuture: [{ futureThing: { kind: 'chart', rows: [1, 2] }, text: 'x' } as Part],
  }),
  { text: '' },
];

/** One part a chunk, the Content's own future key on the first, usage growing, the end last. */
function stream(): GenerateContentResponse[] {
  return parts.map((part, index) => ({
    candidates: [
      {
        content: {
          ...(index === 0 ? { futureContentField: { z: true } } : {}),
          parts: [part],
          role: 'model',
        },
        ...(index === parts.length - 1 ? { finishReason: 'STOP' } : {}),
        index: 0,
      },
    ],
    usageMetadata: { promptTokenCount: 9, candidatesTokenCount: index + 1 },
    modelVersion: 'gemini-3-flash-preview',
  })) as GenerateContentResponse[];
}

const fold = (chunks: readonly GenerateContentResponse[]) => {
  const accumulator = createStreamAccumulator();
  for (const chunk of chunks) accumulator.push(chunk);
  return accumulator.response();
};

describe('a packed streamed step record of rare and newer model shapes', () => {
  it('unpacks to the very chunks, which fold to the same model Content', () => {
    const chunks = stream();
    const packed = packChunks(chunks);
    // Packed, not the fallback of the chunks as they are.
    expect(Array.isArray(packed)).toBe(false);
    // Stored as DBOS stores it (JSON), read back after the worker died.
    const back = unpackChunks(JSON.parse(JSON.stringify(packed)));
    expect(JSON.stringify(back)).toBe(JSON.stringify(chunks));
    expect(JSON.stringify(fold(back))).toBe(JSON.stringify(fold(chunks)));
  });

  it('holds when every chunk carries several parts of changing kinds at the same indices', () => {
    const chunks = stream().map((chunk, index) => {
      const candidate = chunk.candidates?.[0];
      const content = candidate?.content;
      if (content === undefined) return chunk;
      // Two parts a chunk: this one and the next, so an index holds a new kind each chunk.
      content.parts = [...(content.parts ?? []), parts[(index + 3) % parts.length]] as never;
      return chunk;
    });
    const back = unpackChunks(JSON.parse(JSON.stringify(packChunks(chunks))));
    expect(JSON.stringify(back)).toBe(JSON.stringify(chunks));
  });
});
