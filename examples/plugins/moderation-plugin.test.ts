import {
  type AgentEvent,
  type Content,
  createAgent,
  createGemini,
  defineTool,
} from '@gemloop/core';
import { definePlugin, GuardrailTrippedError, PluginError } from '@gemloop/core/plugins';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { moderation } from './moderation-plugin.ts';

// A third party's input and output moderation on the plugin seam, public imports only (issue 53):
// `checkInput` on the run's input and on a steer a plugin adds (`run.addInput`), a verdict that
// runs beside the first model call (`{ beside }`), and `wrapEvents` holding a stream's text until
// `checkAnswer` passed it, streamed and unary.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script, strictHistory: true });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

type Mode = 'run' | 'stream';
type Agent = ReturnType<typeof createAgent>;

async function go(agent: Agent, mode: Mode, input: string) {
  if (mode === 'run')
    return { result: await agent.run(input), events: [] as AgentEvent<unknown>[] };
  const stream = agent.stream(input);
  const events: AgentEvent<unknown>[] = [];
  for await (const event of stream) events.push(event);
  return { result: await stream.result, events };
}

async function failure(agent: Agent, mode: Mode, input: string) {
  const events: AgentEvent<unknown>[] = [];
  const error = await (async () => {
    if (mode === 'run') return agent.run(input);
    const stream = agent.stream(input);
    for await (const event of stream) events.push(event);
    return stream.result;
  })().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { error, events };
}

/** Waits for a condition (a hang guard, not a timing: it polls until it holds). */
async function until(condition: () => boolean): Promise<void> {
  for (let round = 0; round < 6000 && !condition(); round++)
    await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition never held');
}

type Body = { contents: Content[] };

function sentTexts(fake: FakeGemini, at: number): string[] {
  const body = fake.requests[at]?.body as Body | undefined;
  return (body?.contents ?? []).flatMap((content) => content.parts.map((part) => part.text ?? ''));
}

const texts = (events: AgentEvent<unknown>[]) =>
  events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : []));

describe('a third-party moderation plugin: checkInput, beside the call, held text', () => {
  it.each(['run', 'stream'] as const)(
    'masks the run input before the model sees it; the history keeps the rewrite (%s)',
    async (mode) => {
      const { fake, gemini } = await serve([turn.text('Noted.')]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        plugins: [moderation({ block: /attack/i, mask: /secret/i })],
      });
      const { result } = await go(agent, mode, 'my secret plan');
      expect(result.text).toBe('Noted.');
      expect(sentTexts(fake, 0)).toEqual(['my *** plan']);
      expect(result.contents[0]).toEqual({ role: 'user', parts: [{ text: 'my *** plan' }] });
    },
  );

  it.each(['run', 'stream'] as const)(
    'a blocked input ends the run typed, before any model call (%s)',
    async (mode) => {
      const { fake, gemini } = await serve([turn.text('never')]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        plugins: [moderation({ block: /attack/i })],
      });
      const { error } = await failure(agent, mode, 'plan the attack');
      expect(GuardrailTrippedError.isInstance(error)).toBe(true);
      expect(PluginError.isInstance(error)).toBe(false);
      expect(error).toMatchObject({ guardrailName: 'blocked-words', phase: 'input' });
      expect(fake.requests).toHaveLength(0);
    },
  );

  it.each(['run', 'stream'] as const)(
    'a verdict beside the first call: the call is in flight before it comes; a block drops it (%s)',
    async (mode) => {
      const { fake, gemini } = await serve([turn.text('Here is how.'), turn.text('unused')]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        plugins: [
          moderation({
            block: /attack/i,
            // The classifier answers only once the model has the request: the call did not wait.
            classify: async () => {
              await until(() => fake.requests.length === 1);
              return 'block';
            },
          }),
        ],
      });
      const { error, events } = await failure(agent, mode, 'hello');
      expect(GuardrailTrippedError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ guardrailName: 'classifier', phase: 'input' });
      expect(fake.requests).toHaveLength(1);
      // The dropped call's answer is not in the history.
      expect((error as GuardrailTrippedError).run.contents.map((content) => content.role)).toEqual([
        'user',
      ]);
      if (mode === 'stream')
        expect(events.find((event) => event.type === 'guardrail-retraction')).toMatchObject({
          stepNumber: 1,
          name: 'classifier',
          text: '',
        });
    },
  );

  it.each(['run', 'stream'] as const)(
    'a rewrite beside the first call sends it again with the new input (%s)',
    async (mode) => {
      const { fake, gemini } = await serve([turn.text('first'), turn.text('second')]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        plugins: [
          moderation({
            block: /attack/i,
            mask: /secret/i,
            classify: async () => {
              await until(() => fake.requests.length === 1);
              return 'pass';
            },
          }),
        ],
      });
      const { result } = await go(agent, mode, 'a secret');
      expect(result.text).toBe('second');
      expect(fake.requests).toHaveLength(2);
      expect(sentTexts(fake, 1)).toEqual(['a ***']);
      expect(result.contents.map((content) => content.role)).toEqual(['user', 'model']);
      // Both calls are billed: the dropped one's usage stays counted.
      expect(result.steps).toHaveLength(1);
      expect(result.usage.totalTokenCount).toBeGreaterThan(
        result.steps[0]?.usage.totalTokenCount ?? 0,
      );
    },
  );

  it.each(['run', 'stream'] as const)(
    'a steer another plugin adds meets checkInput before it joins: masked, or blocked (%s)',
    async (mode) => {
      const follow = (said: string) =>
        definePlugin<{ asked: boolean }>({
          name: 'follow-up',
          startRun: () => ({ asked: false }),
          async afterAnswer(_answer, run) {
            if (run.state.asked) return undefined;
            run.state.asked = true;
            await run.addInput([{ role: 'user', parts: [{ text: said }] }]);
            return { type: 'run-again', contents: [] };
          },
        });
      const { fake, gemini } = await serve([turn.text('one'), turn.text('two')]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        plugins: [moderation({ block: /attack/i, mask: /secret/i }), follow('and the secret?')],
      });
      const { result } = await go(agent, mode, 'hi');
      expect(result.text).toBe('two');
      expect(sentTexts(fake, 1)).toEqual(['hi', 'one', 'and the ***?']);

      const blocked = await serve([turn.text('one'), turn.text('never')]);
      const stopped = createAgent({
        gemini: blocked.gemini,
        model: 'gemini-2.5-flash',
        plugins: [moderation({ block: /attack/i }), follow('now attack')],
      });
      const { error } = await failure(stopped, mode, 'hi');
      expect(GuardrailTrippedError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ guardrailName: 'blocked-words', phase: 'input' });
      expect(blocked.fake.requests).toHaveLength(1);
      expect(
        (error as GuardrailTrippedError).run.contents.some((content) =>
          content.parts.some((part) => part.text === 'now attack'),
        ),
      ).toBe(false);
    },
  );

  it("holds a stream's text: the reader sees the answer once it passed, or the rewrite only", async () => {
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks a thing up.',
      parameters: z.object({}),
      execute: () => ({ found: true }),
    });
    const { gemini } = await serve([
      turn.call('lookup', {}),
      turn.text('The secret is out.'),
      turn.text('All fine.'),
    ]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [lookup],
      plugins: [moderation({ block: /attack/i, mask: /secret/i, holdText: true })],
    });
    const masked = await go(agent, 'stream', 'go');
    expect(masked.result.text).toBe('The *** is out.');
    // Never the masked word, and no retraction: the reader never saw the original.
    expect(texts(masked.events).join('')).toBe('The *** is out.');
    expect(masked.events.some((event) => event.type === 'guardrail-retraction')).toBe(false);
    const passed = await go(agent, 'stream', 'again');
    expect(texts(passed.events).join('')).toBe('All fine.');
    // The held text comes after the step's other events, before its end.
    const types = passed.events.map((event) => event.type);
    expect(types.indexOf('text-delta')).toBeLessThan(types.indexOf('step-end'));
  });

  it('without holdText the stream hears a retraction named by the rewrite', async () => {
    const { gemini } = await serve([turn.text('The secret is out.')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      plugins: [moderation({ block: /attack/i, mask: /secret/i })],
    });
    const { result, events } = await go(agent, 'stream', 'go');
    expect(result.text).toBe('The *** is out.');
    expect(texts(events).join('')).toBe('The secret is out.');
    expect(events.find((event) => event.type === 'guardrail-retraction')).toMatchObject({
      name: 'mask-answer',
      text: 'The *** is out.',
    });
  });

  it("a bad checkInput result is the plugin's PluginError", async () => {
    const { gemini } = await serve([turn.text('never')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      plugins: [
        definePlugin({
          name: 'bad-check',
          checkInput: () => ({ contents: [] }) as never,
        }),
      ],
    });
    const error = await agent.run('hi').catch((caught: unknown) => caught);
    expect(PluginError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ plugin: 'bad-check', hook: 'checkInput' });
  });
});
