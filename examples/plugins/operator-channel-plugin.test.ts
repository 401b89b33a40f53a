import {
  type AgentEvent,
  createAgent,
  createChatSession,
  createGemini,
  defineTool,
} from '@gemloop/core';
import { definePlugin, PluginError, RunMessageError } from '@gemloop/core/plugins';
import { createSteering } from '@gemloop/core/steering';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OPERATOR_TOPIC, operatorChannel, readCommand } from './operator-channel-plugin.ts';

// A third party's plugin that takes messages sent to a running run (`run.receive(topic)`), public
// imports only (issue 53): run with a steering controller's `send`, stream with the handle's
// `send`, a chat session's stream, and inside a subagent (whose run receives nothing).

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

type Body = {
  contents: {
    role: string;
    parts: { text?: string; functionResponse?: { response: unknown } }[];
  }[];
};

/** The user texts of request `index`. */
function userTexts(fake: FakeGemini, index: number): string[] {
  const body = fake.requests[index]?.body as Body;
  return body.contents
    .filter((content) => content.role === 'user')
    .flatMap((content) => content.parts.map((part) => part.text))
    .filter((text): text is string => text !== undefined);
}

function lastResponse(fake: FakeGemini): unknown {
  const body = fake.requests.at(-1)?.body as Body;
  return body.contents.at(-1)?.parts[0]?.functionResponse?.response;
}

/** A tool that holds its call until the test has sent its messages (`during`). */
function holdingTool(during: () => Promise<void>) {
  return defineTool({
    name: 'wait',
    description: 'Waits for the warehouse.',
    parameters: z.object({}),
    execute: async () => {
      await during();
      return { waited: true };
    },
  });
}

function lookupTool(looked: string[]) {
  return defineTool({
    name: 'lookup',
    description: 'Looks an order up.',
    parameters: z.object({ order: z.string() }),
    execute: ({ order }) => {
      looked.push(order);
      return { order, status: 'shipped' };
    },
  });
}

const NOTE = 'The customer prefers metric units.';
const SCRIPT = [turn.call('wait', {}), turn.call('lookup', { order: '7' }), turn.text('Done.')];

function receivedEvents(events: AgentEvent<unknown>[]) {
  return events.filter((event) => event.type === 'plugin' && event.kind === 'received');
}

describe('operatorChannel: a plugin that takes messages sent to its running run', () => {
  it('applies a note and a pause sent to a stream, at the next boundary (stream)', async () => {
    const { fake, gemini } = await serve(SCRIPT);
    const looked: string[] = [];
    let stream: ReturnType<ReturnType<typeof createAgent>['stream']> | undefined;
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      plugins: [operatorChannel()],
      tools: [
        holdingTool(async () => {
          await stream?.send(OPERATOR_TOPIC, { note: NOTE });
          await stream?.send(OPERATOR_TOPIC, { pause: 'lookup' });
          await stream?.send(OPERATOR_TOPIC, { unknown: true });
        }),
        lookupTool(looked),
      ],
    });
    stream = agent.stream('Where is order 7?');
    const events: AgentEvent<unknown>[] = [];
    for await (const event of stream) events.push(event);
    const result = await stream.result;

    expect(result.text).toBe('Done.');
    // Not in the first request; in the second, after the tool's response, and only once.
    expect(userTexts(fake, 0)).toEqual(['Where is order 7?']);
    expect(userTexts(fake, 1)).toEqual(['Where is order 7?', NOTE]);
    expect(userTexts(fake, 2).filter((text) => text === NOTE)).toHaveLength(1);
    // The paused tool did not run; the model was told why.
    expect(looked).toEqual([]);
    expect(JSON.stringify(lastResponse(fake))).toContain('operator paused the tool');
    // The stream shows what was received (the values as sent) and what the plugin did with them.
    expect(receivedEvents(events)).toEqual([
      expect.objectContaining({
        plugin: 'operator-channel',
        stepNumber: 2,
        data: {
          topic: 'operator',
          values: [{ note: NOTE }, { pause: 'lookup' }, { unknown: true }],
        },
      }),
    ]);
    const kinds = events
      .filter((event) => event.type === 'plugin' && event.plugin === 'operator-channel')
      .map((event) => (event.type === 'plugin' ? event.kind : ''));
    expect(kinds).toEqual(['received', 'applied', 'applied', 'ignored']);
    // A message for a run that is over has nowhere to go.
    await expect(stream.send(OPERATOR_TOPIC, { note: 'late' })).rejects.toMatchObject({
      name: 'RunMessageError',
      reason: 'run-ended',
    });
  });

  it('takes messages from a steering controller in a unary run, and its stop ends the run (run)', async () => {
    const { fake, gemini } = await serve(SCRIPT);
    const looked: string[] = [];
    const steering = createSteering();
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      plugins: [operatorChannel()],
      tools: [
        holdingTool(async () => {
          await steering.send(OPERATOR_TOPIC, { note: NOTE });
          await steering.send(OPERATOR_TOPIC, { stop: 'enough' });
        }),
        lookupTool(looked),
      ],
    });
    const result = await agent.run('Where is order 7?', { steering });
    expect(userTexts(fake, 1)).toEqual(['Where is order 7?', NOTE]);
    expect(result.finishReason).toBe('plugin');
    expect(result.stoppedBy).toEqual({ plugin: 'operator-channel', reason: 'operator: enough' });
    expect(fake.requests).toHaveLength(2);
    // A controller keeps what is sent while no run uses it for its next run.
    await steering.send(OPERATOR_TOPIC, { pause: 'lookup' });
    expect(steering.pending).toBe(0);
  });

  it('takes messages sent to a chat session send stream', async () => {
    const { fake, gemini } = await serve(SCRIPT);
    const looked: string[] = [];
    let stream: ReturnType<ReturnType<typeof createChatSession>['sendStream']> | undefined;
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      plugins: [operatorChannel()],
      tools: [
        holdingTool(async () => {
          await stream?.send(OPERATOR_TOPIC, { pause: 'lookup' });
        }),
        lookupTool(looked),
      ],
    });
    const chat = createChatSession({ agent });
    stream = chat.sendStream('Where is order 7?');
    for await (const _ of stream) {
      // drained
    }
    expect((await stream.result).text).toBe('Done.');
    expect(looked).toEqual([]);
    expect(fake.requests).toHaveLength(3);
  });

  it("a subagent's run receives nothing: the top run's plugin takes the message", async () => {
    const { fake, gemini } = await serve((request) => {
      const first = (request.body as Body).contents[0]?.parts[0]?.text ?? '';
      const answered = (request.body as Body).contents.some((content) =>
        content.parts.some((part) => part.functionResponse !== undefined),
      );
      if (first.startsWith('CHILD'))
        return answered ? turn.text('child done') : turn.call('wait', {});
      return answered ? turn.text('Done.') : turn.call('research', { task: 'CHILD: look' });
    });
    const childReceived: unknown[][] = [];
    const watcher = definePlugin({
      name: 'child-watcher',
      async beforeModelCall(_call, run) {
        childReceived.push([...(await run.receive(OPERATOR_TOPIC))]);
      },
    });
    let stream: ReturnType<ReturnType<typeof createAgent>['stream']> | undefined;
    const child = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      name: 'researcher',
      plugins: [watcher],
      tools: [
        holdingTool(async () => {
          await stream?.send(OPERATOR_TOPIC, { note: NOTE });
        }),
      ],
    });
    const { subagent } = await import('@gemloop/core/composition');
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      plugins: [operatorChannel()],
      tools: [subagent(child, { name: 'research', description: 'Researches.' })],
    });
    stream = agent.stream('Where is order 7?');
    for await (const _ of stream) {
      // drained
    }
    expect((await stream.result).text).toBe('Done.');
    // The child's boundaries (before and after its tool) read nothing...
    expect(childReceived).toEqual([[], []]);
    // ...and the top run's next call carries the note.
    const last = fake.requests.length - 1;
    expect(userTexts(fake, last)).toContain(NOTE);
  });

  it('refuses a bad topic, a value that is not JSON data or too large, and a full topic', async () => {
    const steering = createSteering();
    await expect(steering.send('gemloop.steer', 'x')).rejects.toMatchObject({
      reason: 'invalid-topic',
    });
    await expect(steering.send('has space', 'x')).rejects.toBeInstanceOf(RunMessageError);
    await expect(steering.send('', 'x')).rejects.toBeInstanceOf(RunMessageError);
    await expect(steering.send(42 as never, 'x')).rejects.toBeInstanceOf(RunMessageError);
    await expect(steering.send('ops', undefined)).rejects.toMatchObject({
      reason: 'invalid-value',
    });
    await expect(steering.send('ops', () => 1)).rejects.toMatchObject({ reason: 'invalid-value' });
    await expect(steering.send('ops', 10n)).rejects.toMatchObject({ reason: 'invalid-value' });
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    await expect(steering.send('ops', cycle)).rejects.toMatchObject({ reason: 'invalid-value' });
    await expect(steering.send('ops', 'é'.repeat(140 * 1024))).rejects.toMatchObject({
      reason: 'too-large',
    });
    for (let index = 0; index < 32; index++) await steering.send('ops', index);
    await expect(steering.send('ops', 33)).rejects.toMatchObject({ reason: 'too-many-pending' });
  });

  it('refuses run.receive from a tool hook and a recorded hook, with the plugin named', async () => {
    for (const plugin of [
      definePlugin({
        name: 'from-a-tool-hook',
        async beforeToolCall(_call, run) {
          await run.receive(OPERATOR_TOPIC);
        },
      }),
      definePlugin({
        name: 'from-a-recorded-hook',
        recorded: ['beforeModelCall'],
        async beforeModelCall(_call, run) {
          await run.receive(OPERATOR_TOPIC);
        },
      }),
    ]) {
      const { gemini } = await serve([turn.call('lookup', { order: '7' }), turn.text('Done.')]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        plugins: [plugin],
        tools: [lookupTool([])],
      });
      const failure = await agent.run('hi').then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(PluginError);
      expect(failure).toMatchObject({
        plugin: plugin.name,
        hook: plugin.name === 'from-a-tool-hook' ? 'beforeToolCall' : 'beforeModelCall',
      });
      expect(String((failure as Error).message)).toMatch(/step boundary/);
    }
  });

  it('reads commands as hostile values', () => {
    expect(readCommand({ pause: 'lookup' })).toEqual({ pause: 'lookup' });
    expect(readCommand({ pause: 'no spaces allowed' })).toBeUndefined();
    expect(readCommand({ note: '  ' })).toBeUndefined();
    expect(readCommand({ note: 'a', stop: 'b' })).toBeUndefined();
    expect(readCommand(['note', 'x'])).toBeUndefined();
    expect(readCommand(null)).toBeUndefined();
    expect((readCommand({ note: 'x'.repeat(10_000) }) as { note: string }).note).toHaveLength(4000);
  });
});
