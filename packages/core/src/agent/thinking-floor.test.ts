import { Writable } from 'node:stream';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createLogger } from '../logging/create-logger.ts';
import { getModelCapabilities } from '../models/model-capabilities.ts';
import type { GenerateContentBody } from '../wire/request.ts';
import { createAgent } from './create-agent.ts';

// Gemini 3.x cannot turn thinking off, and the lowest level differs by model (3.7 Flash, 3 Pro,
// 3.1 Pro: LOW; the other Flash models: MINIMAL). `thinking: 'off'` resolves to the model's lowest
// level with a logged warning, never a 400.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve() {
  const fake = createFakeGemini({ script: () => turn.text('ok') });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'warn', destination }) };
}

describe("thinking: 'off' on Gemini 3.x", () => {
  it.each([
    ['gemini-3.7-flash', 'LOW'],
    ['gemini-3-pro-preview', 'LOW'],
    ['gemini-3.1-pro-preview', 'LOW'],
    ['gemini-3-flash-preview', 'MINIMAL'],
    ['gemini-3.5-flash', 'MINIMAL'],
    ['gemini-3.6-flash', 'MINIMAL'],
    ['gemini-3.1-flash-lite', 'MINIMAL'],
  ])('sends %s its lowest level %s, which the fake accepts', async (model, level) => {
    const { fake, gemini } = await serve();
    const { lines, logger } = capture();
    const agent = createAgent({ gemini, model, thinking: 'off', logger });
    const result = await agent.run('Hi');
    expect(result.text).toBe('ok');
    const body = fake.requests[0]?.body as GenerateContentBody;
    expect(body.generationConfig?.thinkingConfig).toEqual({ thinkingLevel: level });
    const warnings = lines.filter((line) => line['level'] === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.['thinkingLevel']).toBe(level);
    expect(String(warnings[0]?.['msg'])).toContain(
      level === 'LOW'
        ? 'cannot turn thinking off or lower it below LOW'
        : 'cannot turn thinking off',
    );
  });

  it("raises 'minimal' and budget 0 the same way", async () => {
    const { fake, gemini } = await serve();
    const { lines, logger } = capture();
    await createAgent({ gemini, model: 'gemini-3.7-flash', thinking: 'minimal', logger }).run('Hi');
    await createAgent({ gemini, model: 'gemini-3.7-flash', thinking: { budget: 0 }, logger }).run(
      'Hi',
    );
    for (const request of fake.requests) {
      expect((request.body as GenerateContentBody).generationConfig?.thinkingConfig).toEqual({
        thinkingLevel: 'LOW',
      });
    }
    expect(lines.filter((line) => line['level'] === 40)).toHaveLength(2);
  });

  it('is what the fake refuses when sent raw, as the API does', async () => {
    const { gemini } = await serve();
    const error = await gemini
      .generateContent({
        model: 'gemini-3.7-flash',
        contents: 'Hi',
        generationConfig: { thinkingConfig: { thinkingLevel: 'MINIMAL' } },
      })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).apiMessage).toBe(
      'Thinking level MINIMAL is not supported for this model.',
    );
  });
});

describe('the capabilities table for the 2026 models', () => {
  it('knows Gemini 3.1, 3.5, 3.6 and 3.7', () => {
    expect(getModelCapabilities('gemini-3.1-pro-preview')).toMatchObject({
      generation: 3.1,
      thinking: 'level',
      thinkingAlwaysOn: true,
      lowestThinkingLevel: 'LOW',
      requiresThoughtSignatures: true,
      perPartMediaResolution: true,
    });
    for (const model of ['gemini-3.5-flash', 'gemini-3.5-flash-lite', 'gemini-3.6-flash']) {
      expect(getModelCapabilities(model)).toMatchObject({
        thinking: 'level',
        thinkingAlwaysOn: false,
        lowestThinkingLevel: 'MINIMAL',
        combinesBuiltinAndFunctionTools: true,
      });
    }
    expect(getModelCapabilities('gemini-3.7-flash')).toMatchObject({
      generation: 3.7,
      thinking: 'level',
      lowestThinkingLevel: 'LOW',
    });
    expect(getModelCapabilities('gemini-3.1-flash-image')).toMatchObject({
      thinking: 'none',
      lowestThinkingLevel: undefined,
    });
    expect(getModelCapabilities('gemini-2.5-pro')).toMatchObject({
      lowestThinkingLevel: undefined,
      perPartMediaResolution: false,
    });
  });

  it('knows Gemma 4 conservatively: no thinking settings, signatures or built-in tools', () => {
    for (const model of ['gemma-4-31b-it', 'models/gemma-4-26b-a4b-it']) {
      expect(getModelCapabilities(model)).toMatchObject({
        generation: undefined,
        thinking: 'none',
        requiresThoughtSignatures: false,
        combinesBuiltinAndFunctionTools: false,
        googleSearch: false,
        perPartMediaResolution: false,
      });
    }
  });
});
