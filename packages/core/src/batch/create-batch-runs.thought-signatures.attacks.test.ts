import { createAgent, createGemini } from '@gemloop/core';
import { createBatchRuns } from '@gemloop/core/batch';
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from '@gemloop/core/history';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';

// leftovers72 (attack59's leftover): a history from another SDK carries no thought signatures.
// Gemini 3 refuses a model turn of the active loop whose first functionCall has none (400; the
// documented dummy `skip_thought_signature_validator` is for history the model did not produce:
// https://ai.google.dev/gemini-api/docs/thought-signatures#faqs). The agent fills the dummy;
// batch start() sent the history as given, so every such line failed hours later. start() now
// does what the agent does, for the same models.

const history = () => [
  { role: 'user' as const, parts: [{ text: 'Weather in Paris and Oslo?' }] },
  {
    role: 'model' as const,
    parts: [
      { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
      { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } },
    ],
  },
  {
    role: 'user' as const,
    parts: [
      { functionResponse: { name: 'get_weather', response: { forecast: 'sunny' } } },
      { functionResponse: { name: 'get_weather', response: { forecast: 'snow' } } },
    ],
  },
];

/** The contents the agent sends for `contents` on `model` (its first request to the fake). */
async function agentSends(model: string, contents: ReturnType<typeof history>): Promise<unknown> {
  const fake = createFakeGemini({ script: [turn.text('Sunny and snowy.')] });
  const { url } = await fake.listen();
  try {
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const agent = createAgent({ gemini, model });
    await agent.run(contents);
    await agent.close();
    expect(fake.modelRequests).toHaveLength(1);
    return (fake.modelRequests[0]?.body as { contents?: unknown } | undefined)?.contents;
  } finally {
    await fake.close();
  }
}

const gemini = createGemini({
  apiKey: 'test-key',
  baseUrl: 'https://gateway.test',
  retry: false,
  fetch: async () => {
    throw new Error('start() makes no request');
  },
});

describe('createBatchRuns().start() on a history without thought signatures', () => {
  it('puts the dummy on the first call of the model turn on Gemini 3, as the agent sends it', async () => {
    const given = history();
    const before = JSON.stringify(given);
    const model = 'gemini-3-flash-preview';
    const state = createBatchRuns({ gemini, model }).start([given, 'And in Rome?']);
    const [run, prompt] = state.runs;
    expect(run?.contents[1]?.parts[0]).toMatchObject({
      thoughtSignature: SKIP_THOUGHT_SIGNATURE_VALIDATOR,
    });
    // Parallel calls are signed on the first only.
    expect(run?.contents[1]?.parts[1]).not.toHaveProperty('thoughtSignature');
    expect(prompt?.contents).toEqual([{ role: 'user', parts: [{ text: 'And in Rome?' }] }]);
    // Exactly what the agent sends for the same history, and the caller's objects untouched.
    expect(run?.contents).toEqual(await agentSends(model, history()));
    expect(JSON.stringify(given)).toBe(before);
  });

  it.each(['gemini-2.5-flash', 'gemini-3-pro-image-preview'])(
    'leaves it as given on %s, which does not require signatures, as the agent does',
    async (model) => {
      const state = createBatchRuns({ gemini, model }).start([history()]);
      expect(state.runs[0]?.contents).toEqual(history());
      expect(state.runs[0]?.contents).toEqual(await agentSends(model, history()));
    },
  );

  it('keeps a signature the history has', () => {
    const signed = history();
    signed[1]?.parts.splice(0, 1, {
      functionCall: { name: 'get_weather', args: { city: 'Paris' } },
      thoughtSignature: 'QUFB',
    } as never);
    const state = createBatchRuns({ gemini, model: 'gemini-3-flash-preview' }).start([signed]);
    expect(state.runs[0]?.contents).toEqual(signed);
  });
});
