import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import { createAgent } from './create-agent.ts';

// Issue 27: the agent checks the history when a run starts, and the client used to walk every
// turn again on every model call, so an n-step run did O(n²) part checks. Now the client checks
// only the contents the run has not sent before (they come back unchanged from the run's body
// cache): each content of the input is checked a fixed number of times per run, however many
// steps the run takes.

const step = defineTool({
  name: 'step',
  description: 'One more step.',
  parameters: z.object({ n: z.number() }),
  execute: ({ n }) => ({ n }),
});

/**
 * Runs an agent for `steps` model steps (steps - 1 tool turns, then an answer) on a history whose
 * first part counts how often its `mediaResolution` is read: the client's part check reads it
 * each time it walks the content (JSON.stringify reads it too, once per serialisation).
 */
async function partReads(steps: number, streaming: boolean): Promise<number> {
  const fake = createFakeGemini({
    script: [
      ...Array.from({ length: steps - 1 }, (_, index) => turn.call('step', { n: index })),
      turn.text('done'),
    ],
  });
  const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch, retry: false });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [step], maxSteps: steps });
  let reads = 0;
  const part = { text: 'Take the steps.' };
  Object.defineProperty(part, 'mediaResolution', {
    enumerable: true,
    get() {
      reads++;
      return undefined;
    },
  });
  const input: Content[] = [{ role: 'user', parts: [part] }];
  const result = streaming ? await agent.stream(input).result : await agent.run(input);
  expect(result.steps).toHaveLength(steps);
  expect(fake.requests).toHaveLength(steps);
  return reads;
}

describe('the history is checked once per run, not once per step', () => {
  for (const streaming of [false, true]) {
    it(`walks the first content as often in a 20-step run as in a 2-step one (${streaming ? 'stream' : 'run'})`, async () => {
      const short = await partReads(2, streaming);
      const long = await partReads(20, streaming);
      // Read at all (the count is real), and not once more per step.
      expect(short).toBeGreaterThan(0);
      expect(long).toBe(short);
    });
  }
});
