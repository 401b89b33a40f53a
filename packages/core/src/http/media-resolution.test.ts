import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Content } from '../wire/content.ts';
import type { GenerateContentBody } from '../wire/request.ts';
import { createGemini } from './create-gemini.ts';

// Per-part media resolution (@google/genai 2.18.0 `Part.mediaResolution: PartMediaResolution
// {level, numTokens}`, ULTRA_HIGH per part only; Gemini 3), sent verbatim.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve() {
  const fake = createFakeGemini({ script: () => turn.text('a diagram') });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const image = { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } };
const contents: Content[] = [
  {
    role: 'user',
    parts: [
      { text: 'Read the small print.' },
      { ...image, mediaResolution: { level: 'MEDIA_RESOLUTION_ULTRA_HIGH' } },
      { ...image, mediaResolution: { level: 'MEDIA_RESOLUTION_LOW', numTokens: 64 } },
    ],
  },
];

describe('part.mediaResolution', () => {
  it('sends ULTRA_HIGH and numTokens per part exactly, from the client and the agent', async () => {
    const { fake, gemini } = await serve();
    await gemini.generateContent({ model: 'gemini-3-flash-preview', contents });
    await createAgent({ gemini, model: 'gemini-3.5-flash' }).run(contents);
    for (const request of fake.requests) {
      expect((request.body as GenerateContentBody).contents[0]?.parts).toEqual(contents[0]?.parts);
    }
    expect(fake.requests).toHaveLength(2);
  });

  it('refuses a bare level string on a part, naming where and the object form', async () => {
    const { fake, gemini } = await serve();
    const bad = [
      { role: 'user', parts: [{ ...image, mediaResolution: 'MEDIA_RESOLUTION_HIGH' }] },
    ] as unknown as Content[];
    const error = await Promise.resolve()
      .then(() => gemini.generateContent({ model: 'gemini-3-flash-preview', contents: bad }))
      .catch((thrown: unknown) => thrown);
    expect((error as InvalidArgumentError).argument).toBe(
      'request.contents[0].parts[0].mediaResolution',
    );
    expect((error as Error).message).toContain("{ level: 'MEDIA_RESOLUTION_HIGH' }");
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a numTokens that is not a positive integer', async () => {
    const { gemini } = await serve();
    const bad: Content[] = [
      { role: 'user', parts: [{ ...image, mediaResolution: { numTokens: 0 } }] },
    ];
    const error = await Promise.resolve()
      .then(() => gemini.generateContent({ model: 'gemini-3-flash-preview', contents: bad }))
      .catch((thrown: unknown) => thrown);
    expect((error as InvalidArgumentError).argument).toBe(
      'request.contents[0].parts[0].mediaResolution.numTokens',
    );
  });

  it('refuses ULTRA_HIGH for the whole request, pointing at the part', async () => {
    const { fake, gemini } = await serve();
    const error = await Promise.resolve()
      .then(() =>
        gemini.generateContent({
          model: 'gemini-3-flash-preview',
          contents: 'Hi',
          generationConfig: { mediaResolution: 'MEDIA_RESOLUTION_ULTRA_HIGH' },
        }),
      )
      .catch((thrown: unknown) => thrown);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('set per part');
    expect(fake.requests).toHaveLength(0);
    // HIGH for the whole request is fine.
    await gemini.generateContent({
      model: 'gemini-3-flash-preview',
      contents: 'Hi',
      generationConfig: { mediaResolution: 'MEDIA_RESOLUTION_HIGH' },
    });
    expect(fake.requests).toHaveLength(1);
  });
});
