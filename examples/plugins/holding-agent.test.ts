import { createAgent, createGemini } from '@gemloop/core';
import { handoff } from '@gemloop/core/composition';
import { definePlugin } from '@gemloop/core/plugins';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';

// What a third party's plugin knows of the agent holding a run across a hand-off, public imports
// only (issue 53: the built-in prompt cache needed the same, and read it privately): `run.agentName`
// and `run.model` name the receiving agent once it holds the run, and a plugin that leaves with its
// agent's plugins gets `endRun` with `handedOff: true` (the run goes on), so it writes nothing
// about the whole run there.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script, strictHistory: true });
  fakes.push(fake);
  const { url } = await fake.listen();
  return createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
}

describe('the agent holding a run, as a plugin sees it', () => {
  it.each(['run', 'stream'] as const)(
    'follows a hand-off: names, models and the leaving plugin’s end (%s)',
    async (mode) => {
      const log: string[] = [];
      const gemini = await serve([
        turn.call('transfer_to_billing', {}),
        turn.text('Refund issued.'),
      ]);
      // One per agent: a report about the whole run is written only where the run ends.
      const perAgent = (name: string) =>
        definePlugin({
          name: `report-${name}`,
          endRun: (run, end) => {
            log.push(
              end.handedOff === true
                ? `${name}: left at the hand-off to ${run.agentName}`
                : `${name}: the run ended with ${run.agentName}`,
            );
          },
        });
      const billing = createAgent({
        name: 'billing',
        gemini,
        model: 'gemini-2.5-flash',
        plugins: [perAgent('billing')],
      });
      const front = createAgent({
        name: 'front',
        gemini,
        model: 'gemini-3-flash-preview',
        tools: [handoff(billing)],
        plugins: [perAgent('front')],
      });
      // The run's own plugin stays through the hand-off and reads who holds the run at each step.
      const who = definePlugin({
        name: 'who',
        // Wraps the run's events as well (a stream's events are then routed through the plugins).
        wrapEvents: (emit) => emit,
        beforeModelCall: (call, run) => {
          log.push(`step ${call.stepNumber}: ${run.agentName} on ${run.model}`);
        },
      });
      const result =
        mode === 'run'
          ? await front.run('I want a refund.', { plugins: [who] })
          : await front.stream('I want a refund.', { plugins: [who] }).result;
      expect(result.text).toBe('Refund issued.');
      expect(log).toEqual([
        'step 1: front on gemini-3-flash-preview',
        'front: left at the hand-off to billing',
        'step 2: billing on gemini-2.5-flash',
        'billing: the run ended with billing',
      ]);
    },
  );
});
