import { type Agent, createAgent, createGemini } from '@gemloop/core';
import { handoff } from '@gemloop/core/composition';
import { z } from 'zod';

/**
 * `triage`, handing to `cities` (with `output`) and `chat` (plain), for tests of who answers a
 * door's run. No model is called: the agents only say who hands to whom and who answers with
 * `output`.
 */
export function triageAgents(): { triage: Agent; cities: Agent; chat: Agent } {
  const gemini = createGemini({
    apiKey: 'unused',
    retry: false,
    fetch: () => Promise.reject(new Error('no model call in this test')),
  });
  const model = 'gemini-3-flash-preview';
  const cities = createAgent({
    gemini,
    model,
    name: 'cities',
    output: z.object({ city: z.string() }),
  }) as Agent;
  const chat = createAgent({ gemini, model, name: 'chat' }) as Agent;
  const triage = createAgent({
    gemini,
    model,
    name: 'triage',
    tools: [handoff(cities), handoff(chat)],
  }) as Agent;
  return { triage, cities, chat };
}
