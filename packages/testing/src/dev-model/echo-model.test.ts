import type { GenerateContentResponse } from '@gemloop/core/wire';
import { describe, expect, it } from 'vitest';
import { callFake } from '../__fixtures__/call-fake.ts';
import { createFakeGemini } from '../create-fake-gemini.ts';
import { postToFake } from './__fixtures__/post-to-fake.ts';
import { ECHO_MODEL_VERSION, echoModel } from './echo-model.ts';

describe('echoModel', () => {
  it('repeats the last user text, and names the results it got back', async () => {
    const fake = createFakeGemini({ script: echoModel() });
    const said = (await postToFake(fake, {
      contents: [{ role: 'user', parts: [{ text: 'ping 42' }] }],
    })) as { json: GenerateContentResponse };
    expect(said.json.candidates?.[0]?.content?.parts?.[0]?.text).toBe('You said: ping 42');
    expect(said.json.modelVersion).toBe(ECHO_MODEL_VERSION);
    const results = (await postToFake(
      fake,
      {
        contents: [
          { role: 'user', parts: [{ text: 'weather?' }] },
          {
            role: 'model',
            parts: [
              {
                functionCall: { name: 'get_weather', args: {} },
                thoughtSignature: 'skip_thought_signature_validator',
              },
            ],
          },
          {
            role: 'user',
            parts: [{ functionResponse: { name: 'get_weather', response: { ok: true } } }],
          },
        ],
        tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather.' }] }],
      },
      'gemini-2.5-flash',
    )) as { status: number; text: string; json: GenerateContentResponse };
    expect(results.status, results.text).toBe(200);
    expect(results.json.candidates?.[0]?.content?.parts?.[0]?.text).toBe(
      'Got the results of: get_weather.',
    );
  });
});

describe('echoModel on long text', () => {
  it('repeats at most 2,000 UTF-16 units, never half an emoji', async () => {
    const fake = createFakeGemini({ script: echoModel() });
    try {
      const text = `${'a'.repeat(1_999)}😀 and more`;
      const { json } = await callFake(fake, { contents: [{ role: 'user', parts: [{ text }] }] });
      const answer = (json as { candidates: { content: { parts: { text: string }[] } }[] })
        .candidates[0]?.content.parts[0]?.text;
      expect(answer).toBe(`You said: ${'a'.repeat(1_999)}`);
    } finally {
      await fake.close();
    }
  });
});
