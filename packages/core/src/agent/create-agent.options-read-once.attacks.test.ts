import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createAgent } from './create-agent.ts';

// attack20: createAgent checked its options and then read them again (each group's resolver, the
// run's generationConfig check), so an options object whose getter (or a Proxy) gave the check one
// value and the agent another got past the check: `maxSteps` 2, then 1e300 or 'many', left a
// model that keeps calling tools unbounded; `model` a name, then an object, threw a TypeError
// (`model.replace is not a function`) from deep inside. Each option is now read once.

/** `options` with `key` as `first` at the first read and `later` at every one after it. */
function shifting<Options extends object>(
  options: Options,
  key: string,
  first: unknown,
  later: unknown,
): Options {
  let reads = 0;
  return Object.defineProperty(options, key, {
    enumerable: true,
    get: () => (reads++ === 0 ? first : later),
  });
}

const step = defineTool({
  name: 'step',
  description: 'One more step.',
  parameters: z.object({}),
  execute: () => ({ ok: true }),
});

function setUp() {
  // Ten calls in a row: a bound of 2 stops the run at the second step.
  const fake = createFakeGemini({
    script: [...Array.from({ length: 10 }, () => turn.call('step', {})), turn.text('done')],
  });
  const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch, retry: false });
  return { fake, gemini };
}

describe('createAgent reads each option once', () => {
  for (const later of [1e300, 'many', Number.NaN]) {
    it(`keeps the maxSteps the check saw (2, then ${String(later)})`, async () => {
      const { fake, gemini } = setUp();
      const agent = createAgent(
        shifting({ gemini, model: 'gemini-2.5-flash', tools: [step] }, 'maxSteps', 2, later),
      );
      const result = await agent.run('Go.');
      expect(result.finishReason).toBe('max-steps');
      expect(fake.modelRequests).toHaveLength(2);
    });
  }

  it('keeps the model the check saw, never a TypeError from inside', async () => {
    const { fake, gemini } = setUp();
    const agent = createAgent(
      shifting(
        { gemini, tools: [step], maxSteps: 1 } as unknown as Parameters<typeof createAgent>[0],
        'model',
        'gemini-2.5-flash',
        {},
      ),
    );
    const result = await agent.run('Go.');
    expect(result.finishReason).toBe('max-steps');
    expect(fake.modelRequests.map((request) => request.model)).toEqual(['gemini-2.5-flash']);
  });

  it('still names a wrong value the check sees', () => {
    const { gemini } = setUp();
    expect(() =>
      createAgent(shifting({ gemini, model: 'gemini-2.5-flash' }, 'maxSteps', 0, 2)),
    ).toThrow(InvalidArgumentError);
  });
});
