import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { modelFallback } from './model-fallback.ts';

// Attack (economy68): the cool-down's clock goes backwards (an NTP step, a VM restored from a
// snapshot, the `now` option fed by a clock of the app's). A model's cool-down was `now() - failedAt
// >= coolDownMs`: after the clock stepped back an hour, the failed model stayed left out for an
// hour and the cool-down, every step of it sent to the fallback (a pricier model, or a worse one).
// A cool-down never outlasts `coolDownMs` of the reading clock: a failure time ahead of the clock
// is moved to the clock's reading, where the cool-down starts again.

const PRIMARY = 'gemini-3-flash-preview';
const SECOND = 'gemini-3-pro-preview';
const HOUR = 3_600_000;
const COOL_DOWN = 30_000;

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a city up.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, temperature: 21 }),
});

describe('model fallback with a cool-down clock that goes backwards', () => {
  for (const mode of ['run', 'stream'] as const)
    it(`returns to the first model a cool-down after the clock stepped back an hour (${mode})`, async () => {
      const fake = createFakeGemini({
        script: [
          turn.call('lookup', { city: 'Paris' }),
          turn.call('lookup', { city: 'Oslo' }),
          turn.call('lookup', { city: 'Rome' }),
          turn.text('All at 21 °C.'),
        ],
        // The primary's first call is overloaded; it answers again afterwards.
        faults: [
          {
            fault: { type: 'overloaded' },
            on: ({ model, callIndex }) => model === PRIMARY && callIndex === 0,
          },
        ],
      });
      fakes.push(fake);
      const { url } = await fake.listen();
      const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
      let clock = 10 * HOUR;
      // After each model call: the first step's fallback answered, then the clock steps back an
      // hour; after that, each step is a cool-down and a second apart.
      const moves = [-HOUR, COOL_DOWN + 1_000, COOL_DOWN + 1_000];
      let step = 0;
      const agent = createAgent({
        gemini,
        model: PRIMARY,
        tools: [lookup],
        plugins: [
          definePlugin({
            name: 'clock',
            afterModelCall: () => {
              clock += moves[step++] ?? 0;
            },
          }),
          modelFallback({ models: [SECOND], coolDownMs: COOL_DOWN, now: () => clock }),
        ],
      });
      const result =
        mode === 'run'
          ? await agent.run('Weather in Paris, Oslo, Rome?')
          : await agent.stream('Weather in Paris, Oslo, Rome?').result;
      expect(result.text).toBe('All at 21 °C.');
      // Step 2 comes right after the step back (the cool-down starts again there); steps 3 and 4
      // each come a cool-down later: the primary serves them.
      expect(result.steps.map((s) => s.model)).toEqual([SECOND, SECOND, undefined, undefined]);
    });
});
