// The fake's long decode (turn.continued): hand-written from @google/genai 3.1.0
// (StreamContinuation), @ai-sdk/google 4.0.121 (continue-google-stream.ts) and google/adk-go
// (model/gemini/continuation.go); no recorded traffic of it is public.
import type { GenerateContentResponse } from '@gemloop/core/wire';
import { describe, expect, it } from 'vitest';
import { createFakeGemini, type FakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';

const MODEL = 'gemini-2.5-flash';
const request = { contents: [{ role: 'user', parts: [{ text: 'Write a long story.' }] }] };

async function call(
  fake: FakeGemini,
  body: unknown,
  stream = false,
): Promise<{ status: number; json: unknown; chunks: GenerateContentResponse[] }> {
  const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  const response = await fake.fetch(`https://fake.test/v1beta/models/${MODEL}:${method}`, {
    method: 'POST',
    headers: { 'x-goog-api-key': 'test-key', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!stream || response.status !== 200) {
    return { status: response.status, json: JSON.parse(text), chunks: [] };
  }
  const chunks = text
    .split('\r\n\r\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => JSON.parse(event.slice(6)) as GenerateContentResponse);
  return { status: response.status, json: undefined, chunks };
}

function candidateOf(json: unknown) {
  return (json as GenerateContentResponse).candidates?.[0];
}

const threeHops = () =>
  turn.continued([turn.text('Once upon a time, '), turn.text('a fake '), turn.text('answered.')]);

describe('turn.continued', () => {
  it('serves each hop to the same request sent with the previous token, then the next turn', async () => {
    const fake = createFakeGemini({ script: [threeHops(), turn.text('next turn')] });
    const first = await call(fake, request);
    expect(candidateOf(first.json)).toMatchObject({
      content: { parts: [{ text: 'Once upon a time, ' }] },
      finishReason: 'CONTINUATION',
    });
    const token1 = candidateOf(first.json)?.continuationToken;
    expect(token1).toMatch(/^fake-ct-/);
    expect(fake.turnsDelivered).toBe(0);
    const second = await call(fake, { ...request, continuationToken: token1 });
    expect(candidateOf(second.json)?.finishReason).toBe('CONTINUATION');
    const token2 = candidateOf(second.json)?.continuationToken;
    const third = await call(fake, { ...request, continuationToken: token2 });
    expect(candidateOf(third.json)).toMatchObject({
      content: { parts: [{ text: 'answered.' }] },
      finishReason: 'STOP',
    });
    expect(candidateOf(third.json)?.continuationToken).toBeUndefined();
    expect(fake.turnsDelivered).toBe(1);
    expect(candidateOf((await call(fake, request)).json)?.content?.parts).toEqual([
      { text: 'next turn' },
    ]);
  });

  it("counts the output so far in a resend's prompt, as the server re-reads it", async () => {
    const fake = createFakeGemini({ script: [threeHops()] });
    const first = (await call(fake, request)).json as GenerateContentResponse;
    const token = candidateOf(first)?.continuationToken;
    const second = (await call(fake, { ...request, continuationToken: token }))
      .json as GenerateContentResponse;
    expect(second.usageMetadata?.promptTokenCount).toBe(
      (first.usageMetadata?.promptTokenCount ?? 0) +
        (first.usageMetadata?.candidatesTokenCount ?? 0),
    );
  });

  it("accepts adk-go's resend form: the output so far appended as a model content", async () => {
    const fake = createFakeGemini({ script: [threeHops()] });
    const first = await call(fake, request);
    const resend = {
      contents: [...request.contents, { role: 'model', parts: [{ text: 'Once upon a time, ' }] }],
      continuationToken: candidateOf(first.json)?.continuationToken,
    };
    const second = await call(fake, resend);
    expect(second.status).toBe(200);
    expect(candidateOf(second.json)?.content?.parts).toEqual([{ text: 'a fake ' }]);
  });

  it('refuses a token it never issued, an expired one, and one sent with another request', async () => {
    const fake = createFakeGemini({ script: [threeHops()] });
    const forged = await call(fake, { ...request, continuationToken: 'fake-ct-9-forged' });
    expect(forged.status).toBe(400);
    expect(JSON.stringify(forged.json)).toContain('was not issued by this server');

    const first = await call(fake, request);
    const token = candidateOf(first.json)?.continuationToken;
    const other = await call(fake, {
      contents: [{ role: 'user', parts: [{ text: 'Another question.' }] }],
      continuationToken: token,
    });
    expect(other.status).toBe(400);
    expect(JSON.stringify(other.json)).toContain('belongs to another request');

    fake.expireContinuationTokens();
    const expired = await call(fake, { ...request, continuationToken: token });
    expect(expired.status).toBe(400);
    expect(JSON.stringify(expired.json)).toContain('has expired');
    // Sent again without a token, the answer starts over from its first hop.
    const again = await call(fake, request);
    expect(candidateOf(again.json)?.content?.parts).toEqual([{ text: 'Once upon a time, ' }]);
  });

  it('streams checkpoint tokens on intermediate chunks, and resumes a hop after one', async () => {
    const fake = createFakeGemini({
      chunkSize: 4,
      script: [turn.continued([turn.text('abcdefghij'), turn.text('klm')], { checkpoints: true })],
    });
    const { chunks } = await call(fake, request, true);
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.content?.parts?.[0]?.text)).toEqual([
      'abcd',
      'efgh',
      'ij',
    ]);
    const [first, second, last] = chunks.map((chunk) => chunk.candidates?.[0]);
    expect(first?.continuationToken).toMatch(/^fake-ct-/);
    expect(first?.finishReason).toBeUndefined();
    expect(second?.continuationToken).toMatch(/^fake-ct-/);
    expect(last).toMatchObject({ finishReason: 'CONTINUATION' });
    // Resumed from the first checkpoint: the rest of the hop, regenerated after it.
    const resumed = await call(
      fake,
      { ...request, continuationToken: first?.continuationToken },
      true,
    );
    expect(resumed.chunks.map((chunk) => chunk.candidates?.[0]?.content?.parts?.[0]?.text)).toEqual(
      ['efgh', 'ij'],
    );
    expect(resumed.chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('CONTINUATION');
    const final = await call(
      fake,
      { ...request, continuationToken: last?.continuationToken },
      true,
    );
    expect(final.chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(fake.turnsDelivered).toBe(1);
  });
});
