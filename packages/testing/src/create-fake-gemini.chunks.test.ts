import { describe, expect, it } from 'vitest';
import { createFakeGemini, turn } from './index.ts';

// How the fake streams an answer and names what it makes: text cut into chunks of `chunkSize`
// characters (never half a character, as the API never sends one), every chunk a whole
// GenerateContentResponse, and ids and signatures that follow `seed`, so a test's expectations
// hold run after run.

const STREAM =
  'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse';

type Chunk = {
  candidates?: {
    content?: { parts?: { text?: string; functionCall?: { id?: string } }[] };
    finishReason?: string;
  }[];
  responseId?: string;
  usageMetadata?: unknown;
};

async function stream(fake: ReturnType<typeof createFakeGemini>): Promise<Chunk[]> {
  const response = await fake.fetch(STREAM, {
    method: 'POST',
    headers: { 'x-goog-api-key': 'key', 'content-type': 'application/json' },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
  });
  expect(response.status).toBe(200);
  const body = await response.text();
  return body
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice('data: '.length)) as Chunk);
}

const texts = (chunks: Chunk[]) =>
  chunks.flatMap(
    (chunk) => chunk.candidates?.[0]?.content?.parts?.map((part) => part.text ?? '') ?? [],
  );

describe('the fake’s stream', () => {
  it('cuts the text into chunks of chunkSize characters that join back to the answer', async () => {
    const answer = 'The quick brown fox jumps over the lazy dog.';
    const chunks = await stream(createFakeGemini({ script: [turn.text(answer)], chunkSize: 10 }));
    const pieces = texts(chunks).filter((text) => text !== '');
    expect(pieces.join('')).toBe(answer);
    expect(pieces.slice(0, -1).every((piece) => piece.length === 10)).toBe(true);
    expect(pieces).toHaveLength(Math.ceil(answer.length / 10));
    // The last chunk says why the answer ended and what it used.
    const last = chunks.at(-1);
    expect(last?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(last?.usageMetadata).toBeDefined();
  });

  it('never cuts inside a character made of two UTF-16 units', async () => {
    const answer = '😀a😀😀b🇳🇴';
    const chunks = await stream(createFakeGemini({ script: [turn.text(answer)], chunkSize: 1 }));
    const pieces = texts(chunks).filter((text) => text !== '');
    expect(pieces.join('')).toBe(answer);
    for (const piece of pieces)
      expect(piece).not.toMatch(
        /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/,
      );
  });

  it('sends a short answer in one text chunk with the default size', async () => {
    const chunks = await stream(createFakeGemini({ script: [turn.text('Short.')] }));
    expect(texts(chunks).filter((text) => text !== '')).toEqual(['Short.']);
  });

  it('gives every chunk of one answer the same response id', async () => {
    const chunks = await stream(
      createFakeGemini({ script: [turn.text('x'.repeat(100))], chunkSize: 7 }),
    );
    const ids = new Set(chunks.map((chunk) => chunk.responseId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toEqual(expect.any(String));
  });
});

describe('the fake’s seed', () => {
  const script = () => [turn.call('lookup', { q: 'a' }), turn.text('done')];
  const run = async (seed: number | undefined) => {
    const fake = createFakeGemini({ script: script(), ...(seed === undefined ? {} : { seed }) });
    const chunks = await stream(fake);
    return JSON.stringify(chunks.map(({ usageMetadata: _usage, ...chunk }) => chunk));
  };

  it('makes the same ids and signatures for the same seed, run after run', async () => {
    expect(await run(7)).toBe(await run(7));
    expect(await run(undefined)).toBe(await run(1));
  });

  it('makes other ids for another seed', async () => {
    expect(await run(7)).not.toBe(await run(8));
  });
});
