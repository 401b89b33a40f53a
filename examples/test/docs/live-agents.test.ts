import { createAgent, createGemini } from '@gemloop/core';
import { createFakeLive } from '@gemloop/testing/live';
import { expect, it, onTestFinished } from 'vitest';
import { askLive, orderStatus } from './live-agents.ts';

// The live-agents guide's code, against the fake Live server.
it('askLive: the guide answers one question over a live session, a goAway inside the answer', async () => {
  const fake = await createFakeLive({
    script: [[{ text: 'Your order' }, { goAway: { timeLeftMs: 60_000 } }, { text: ' shipped.' }]],
  });
  onTestFinished(() => fake.close());
  const agent = createAgent({
    gemini: createGemini({ apiKey: 'docs-test-key', baseUrl: fake.url }),
    model: 'gemini-3.1-flash-live-preview',
    tools: [orderStatus],
  });
  expect(await askLive(agent, 'Where is order A-1?')).toBe('Your order shipped.');
  const setup = fake.connections[0]?.setup as { tools: { functionDeclarations: object[] }[] };
  expect(setup.tools[0]?.functionDeclarations[0]).toMatchObject({ behavior: 'NON_BLOCKING' });
});
