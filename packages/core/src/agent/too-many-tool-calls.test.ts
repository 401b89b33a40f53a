import { createFakeGemini, type FakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createAgent } from './create-agent.ts';
import { InvalidModelResponseError } from './errors/invalid-model-response-error.ts';

// TOO_MANY_TOOL_CALLS (js-genai 2.16.0 "Add TOO_MANY_TOOL_CALLS to FinishReason enum": "Model called
// too many tools consecutively, thus the system exited execution") is recovered like
// MALFORMED_FUNCTION_CALL: the turn is not appended, a note asks again, within maxReasks.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: FakeTurn[]) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => `${word}: found`,
});

const tooMany: FakeTurn = {
  variant: 'empty-content',
  finishReason: 'TOO_MANY_TOOL_CALLS',
  finishMessage: 'Too many tool calls.',
};

describe('finish reason TOO_MANY_TOOL_CALLS', () => {
  it('re-asks with a note and ends with the next answer', async () => {
    const { fake, gemini } = await serve([tooMany, turn.text('Here is the answer.')]);
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [lookup] });
    const result = await agent.run('Look up everything');
    expect(result.finishReason).toBe('stop');
    expect(result.text).toBe('Here is the answer.');
    expect(result.steps[0]?.reask?.reason).toBe('too-many-tool-calls');
    expect(result.steps[0]?.appended).toBe(false);
    expect(fake.requests).toHaveLength(2);
    const second = fake.requests[1]?.body as { contents: { parts: { text?: string }[] }[] };
    expect(second.contents.at(-1)?.parts[0]?.text).toContain('too many tool calls in a row');
    expect(second.contents.at(-1)?.parts[0]?.text).toContain('lookup');
  });

  it('throws InvalidModelResponseError once maxReasks is used up', async () => {
    const { gemini } = await serve([tooMany, tooMany]);
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [lookup],
      maxReasks: 1,
    });
    const error = await agent.run('Go').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(InvalidModelResponseError.isInstance(error)).toBe(true);
    expect((error as InvalidModelResponseError).reason).toBe('too-many-tool-calls');
    expect((error as InvalidModelResponseError).finishReason).toBe('TOO_MANY_TOOL_CALLS');
  });

  it('is a fake fault and a turn builder too', async () => {
    const fake = createFakeGemini({
      script: [turn.text('fine')],
      faults: [{ fault: { type: 'too-many-tool-calls' }, on: [0] }],
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const response = await gemini.generateContent({
      model: 'gemini-3-flash-preview',
      contents: 'Go',
    });
    expect(response.candidates?.[0]?.finishReason).toBe('TOO_MANY_TOOL_CALLS');
    expect(turn.tooManyToolCalls().finishReason).toBe('TOO_MANY_TOOL_CALLS');
  });
});
