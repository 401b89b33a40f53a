import { createFakeGemini, type FakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGemini } from '../http/create-gemini.ts';
import type { AgentEvent } from './agent-event.ts';
import { createAgent } from './create-agent.ts';

// attack51: a streamed answer the `output` schema refused was sent as text deltas, then the model
// was asked again. Every reader that shows a run's text by step (a page through the browser
// protocol, `@gemloop/react`, the AG-UI and A2A doors) kept showing the refused JSON before the
// answer, joined into text that is not JSON. The stream now takes it back with the event those
// readers already act on: a `guardrail-retraction` of the step to `''`, named for the re-ask.

const City = z.object({ city: z.string(), country: z.string() });
const ANSWER = '{"city":"Paris","country":"France"}';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function agentOn(script: FakeTurn[]) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const gemini = createGemini({ fetch: fake.fetch, apiKey: 'test-key', retry: false });
  return createAgent({ gemini, model: 'gemini-3-flash-preview', output: City });
}

/** The step's text as a page shows it: deltas appended, a retraction replacing the step's. */
function shownText(events: AgentEvent<unknown>[]): string {
  const steps = new Map<number, string>();
  for (const event of events) {
    if (event.path.length > 0) continue;
    if (event.type === 'text-delta')
      steps.set(event.stepNumber, (steps.get(event.stepNumber) ?? '') + event.text);
    if (event.type === 'guardrail-retraction') steps.set(event.stepNumber, event.text);
  }
  return [...steps.values()].join('');
}

describe('a streamed structured answer the schema refused (attack51)', () => {
  it('is taken back before its step ends; what a page shows is the JSON the run ended with', async () => {
    const stream = agentOn([turn.text('{"city": 42}'), turn.text(ANSWER)]).stream('Capital?');
    const events: AgentEvent<unknown>[] = [];
    for await (const event of stream) events.push(event);
    const result = await stream.result;
    expect(result.output).toEqual({ city: 'Paris', country: 'France' });
    expect(shownText(events)).toBe(ANSWER);
    expect(shownText(events)).toBe(result.text);
    const taken = events.findIndex((event) => event.type === 'guardrail-retraction');
    expect(events[taken]).toMatchObject({ stepNumber: 1, name: 'invalid-output', text: '' });
    expect(events.findIndex((event) => event.type === 'step-end')).toBe(taken + 1);
  });

  it('takes nothing back from an answer the schema accepted', async () => {
    const stream = agentOn([turn.text(ANSWER)]).stream('Capital?');
    const events: AgentEvent<unknown>[] = [];
    for await (const event of stream) events.push(event);
    expect(events.some((event) => event.type === 'guardrail-retraction')).toBe(false);
    expect(shownText(events)).toBe(ANSWER);
  });
});
