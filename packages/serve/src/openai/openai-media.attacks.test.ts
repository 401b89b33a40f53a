import { randomBytes } from 'node:crypto';
import { createGemini } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  mediaPerRequest,
  PNG,
  lastRequestUserParts as userParts,
} from '../door/__fixtures__/media-samples.ts';
import { MAX_MEDIA_PARTS } from '../door/read-media-part.ts';
import { serveOpenAI } from './__fixtures__/serve-openai.ts';

// attack55b: the OpenAI door's media as the official `openai` client sends it, at the count cap
// across messages and across a Responses conversation, wrapped as MIME encoders wrap it, and
// refused by Gemini.

const model = 'support-agent';
const image = { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } } as const;
const inputImage = {
  type: 'input_image',
  image_url: `data:image/png;base64,${PNG}`,
  detail: 'auto',
} as const;

describe('OpenAI door media from outside (attack55b)', () => {
  it(`Chat Completions counts media across messages: ${MAX_MEDIA_PARTS} held, one more refused`, async () => {
    const { client, fake } = await serveOpenAI([turn.text('Seen.')]);
    const half = MAX_MEDIA_PARTS / 2;
    const messages = (second: number) =>
      [
        { role: 'user', content: Array.from({ length: half }, () => image) },
        { role: 'assistant', content: 'Nice.' },
        { role: 'user', content: Array.from({ length: second }, () => image) },
      ] as OpenAI.ChatCompletionMessageParam[];
    const error = await client()
      .chat.completions.create({ model, messages: messages(half + 1) })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: 400, param: 'messages' });
    expect(fake.requests).toHaveLength(0);
    const answer = await client().chat.completions.create({ model, messages: messages(half) });
    expect(answer.choices[0]?.message.content).toBe('Seen.');
    expect(mediaPerRequest(fake.requests)).toEqual([MAX_MEDIA_PARTS]);
  });

  it('a Responses continuation counts its own input, not the stored turns; each image is sent once per request', async () => {
    const { client, fake } = await serveOpenAI([
      turn.text('One.'),
      turn.text('Two.'),
      turn.text('Three.'),
      turn.text('Four.'),
    ]);
    const turnOf = (count: number) => [
      { role: 'user' as const, content: Array.from({ length: count }, () => inputImage) },
    ];
    let previous = await client().responses.create({ model, input: turnOf(MAX_MEDIA_PARTS) });
    for (const count of [MAX_MEDIA_PARTS, 1, 0]) {
      previous = await client().responses.create({
        model,
        previous_response_id: previous.id,
        input: count === 0 ? 'And now?' : turnOf(count),
      });
    }
    expect(previous.output_text).toBe('Four.');
    // Each request carries the earlier turns' images once, from the stored history, and its own.
    expect(mediaPerRequest(fake.requests)).toEqual([64, 128, 129, 129]);
  });

  it('takes a data URL wrapped at 76 characters and sends Gemini the same bytes unwrapped', async () => {
    const { client, fake } = await serveOpenAI([turn.text('A picture.')]);
    const bytes = randomBytes(2000);
    const lines = bytes.toString('base64').match(/.{1,76}/g) ?? [];
    await client().chat.completions.create({
      model,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'image_url',
              image_url: { url: `data:image/png;base64,${lines.join('\r\n')}` },
            },
          ],
        },
      ],
    });
    expect(userParts(fake.requests)).toEqual([
      [{ inlineData: { mimeType: 'image/png', data: bytes.toString('base64') } }],
    ]);
  });

  it("answers Gemini's 400 about an image in fixed words, quoting nothing of Gemini's", async () => {
    const geminiSays =
      'Unable to process input image at gs://internal-bucket/req-7f3a. Please retry.';
    let calls = 0;
    const gemini = createGemini({
      apiKey: 'gemini-secret-key',
      retry: false,
      fetch: async () => {
        calls += 1;
        return Response.json(
          { error: { code: 400, message: geminiSays, status: 'INVALID_ARGUMENT' } },
          { status: 400 },
        );
      },
    });
    const { client } = await serveOpenAI([], { agent: { gemini } });
    const error = await client()
      .chat.completions.create({ model, messages: [{ role: 'user', content: [image] }] })
      .catch((thrown: unknown) => thrown);
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const { status, message } = error as InstanceType<typeof OpenAI.APIError>;
    expect(JSON.stringify({ status, message, error })).not.toMatch(
      /internal-bucket|req-7f3a|gemini-secret-key/,
    );
    expect({ status, error: (error as { error?: unknown }).error }).toEqual({
      status: 500,
      error: {
        message: 'The model service answered with an error (HTTP 400).',
        type: 'server_error',
        param: null,
        code: 'model-call',
      },
    });
  });
});
