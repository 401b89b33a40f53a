import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { modelFallback } from './model-fallback.ts';

// leftovers82 (attack65a noticed): when a fallback replaces an answer that was already streamed
// (a refusal the options list), the stream takes back the refused answer's text with a
// `guardrail-retraction` named `model-fallback`, but that event carries answer text only: the
// refused answer's `thought-delta`s cannot be taken back without a new event shape. This pins the
// behaviour docs/loops-that-dont-waste.md describes: the step's `thoughts` (step-end, result) are
// the kept answer's alone; a page that showed the thought deltas keeps both attempts' thoughts.

const PRIMARY = 'gemini-3-flash-preview';
const SECOND = 'gemini-3-pro-preview';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('modelFallback and streamed thoughts', () => {
  it('retracts the refused answer text; its thought deltas stay, the step keeps the kept thoughts', async () => {
    const fake = createFakeGemini({
      script: [
        turn.text('Refused draft.', { thoughts: 'First model thinking.', finishReason: 'SAFETY' }),
        turn.text('Kept answer.', { thoughts: 'Second model thinking.' }),
      ],
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: PRIMARY,
      thinking: { includeThoughts: true },
      plugins: [modelFallback({ models: [SECOND], refusals: ['SAFETY'] })],
    });
    const stream = agent.stream('Tell me.');
    const events: AgentEvent[] = [];
    for await (const event of stream) events.push(event as AgentEvent);
    const result = await stream.result;
    expect(fake.modelRequests.map((request) => request.model)).toEqual([PRIMARY, SECOND]);

    const thoughtDeltas = events.flatMap((event) =>
      event.type === 'thought-delta' ? [event.text] : [],
    );
    expect(thoughtDeltas.join('')).toContain('First model thinking.');
    expect(thoughtDeltas.join('')).toContain('Second model thinking.');
    const retraction = events.find((event) => event.type === 'guardrail-retraction');
    expect(retraction).toMatchObject({ name: 'model-fallback', text: 'Kept answer.' });

    expect(result.text).toBe('Kept answer.');
    expect(result.steps[0]?.thoughts).toBe('Second model thinking.');
    const stepEnd = events.find((event) => event.type === 'step-end');
    expect(stepEnd?.type === 'step-end' && stepEnd.step.thoughts).toBe('Second model thinking.');
  });
});
