import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { ModelCallInput } from '../http/model-call-entry.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createAgent } from './create-agent.ts';
import { definePlugin } from './plugins/define-plugin.ts';

// A run hands every model call one frozen options object (its signal and the agent's
// `callOptions`), which the client checks strictly in the run's first call only. What a plugin
// changes it passes on in a new object, which the client checks again.

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks an id up.',
  parameters: z.object({ id: z.number() }),
  execute: ({ id }) => ({ id, found: true }),
});

function makeAgent(plugin: ReturnType<typeof definePlugin>) {
  const fake = createFakeGemini({
    // Two runs of three steps each.
    script: [1, 2].flatMap(() => [
      turn.call('lookup', { id: 1 }),
      turn.call('lookup', { id: 2 }),
      turn.text('Done.'),
    ]),
  });
  const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch, retry: false });
  return createAgent({
    gemini,
    model: 'gemini-3-flash-preview',
    tools: [lookup],
    callOptions: { timeoutMs: 30_000, headers: { 'x-agent': 'a' } },
    plugins: [plugin],
  });
}

/** A request-level plugin that hands each request's input to `see`, then to `next`. */
function seeing(see: (input: ModelCallInput) => ModelCallInput) {
  return definePlugin({
    name: 'seeing',
    wrapModelRequest: (next) => ({
      generate: (input) => next.generate(see(input)),
      stream: (input) => next.stream(see(input)),
    }),
  });
}

async function runIn(mode: 'run' | 'stream', agent: ReturnType<typeof makeAgent>) {
  if (mode === 'run') return agent.run('Look 1 and 2 up.');
  const stream = agent.stream('Look 1 and 2 up.');
  for await (const _event of stream) {
    // drain
  }
  return stream.result;
}

describe.each(['run', 'stream'] as const)("a run's call options (%s)", (mode) => {
  it('are one frozen object a run, with the run’s signal and the agent’s options', async () => {
    const seen: ModelCallInput['callOptions'][] = [];
    const agent = makeAgent(
      seeing((input) => {
        seen.push(input.callOptions);
        return input;
      }),
    );
    const first = await runIn(mode, agent);
    expect(first.text).toBe('Done.');
    await runIn(mode, agent);
    expect(seen).toHaveLength(6);
    const [one, two] = [seen[0], seen[3]];
    expect(seen.slice(0, 3).every((options) => options === one)).toBe(true);
    expect(seen.slice(3).every((options) => options === two)).toBe(true);
    expect(one).not.toBe(two);
    expect(Object.isFrozen(one)).toBe(true);
    expect(one?.signal).toBeInstanceOf(AbortSignal);
    expect(one).toMatchObject({ timeoutMs: 30_000, headers: { 'x-agent': 'a' } });
  });

  it('refuse a change written into them, and check what a plugin passes on in a new object', async () => {
    const written = makeAgent(
      seeing((input) => {
        (input.callOptions as { timeoutMs?: number }).timeoutMs = 5;
        return input;
      }),
    );
    const thrown = await runIn(mode, written).catch((error: unknown) => error);
    expect((thrown as { cause?: unknown }).cause).toBeInstanceOf(TypeError);
    let calls = 0;
    const changed = makeAgent(
      seeing((input) => {
        // A good change on the first step, a wrong one on the second: each new object is checked.
        calls++;
        const timeoutMs = calls === 1 ? 10_000 : -1;
        return { ...input, callOptions: { ...input.callOptions, timeoutMs } };
      }),
    );
    const error = await runIn(mode, changed).catch((thrown: unknown) => thrown);
    expect(calls).toBe(2);
    const cause = (error as { cause?: unknown }).cause ?? error;
    expect(cause).toBeInstanceOf(InvalidArgumentError);
    expect((cause as InvalidArgumentError).argument).toBe('options.timeoutMs');
  });
});
