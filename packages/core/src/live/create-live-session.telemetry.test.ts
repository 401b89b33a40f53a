import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';

// Spans of a live session through the OpenTelemetry SDK's in-memory exporter, against the fake
// Live server: one per session, per model turn, per tool call; reconnections as events.

const weather = defineTool({
  name: 'weather',
  description: 'The weather in a city.',
  parameters: z.object({ city: z.string(), apiToken: z.string() }),
  execute: async ({ city }) => ({ city, sky: 'sunny' }),
});

describe('a live session’s spans', () => {
  it('traces the session, each turn with its usage and cost, each tool, and the reconnection, with no content or key', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const { agent } = await liveFixture(
      {
        script: [
          [
            { text: 'Hello there' },
            {
              usage: {
                promptTokenCount: 100,
                responseTokenCount: 10,
                promptTokensDetails: [
                  { modality: 'TEXT', tokenCount: 60 },
                  { modality: 'AUDIO', tokenCount: 40 },
                ],
              },
            },
            { goAway: { timeLeftMs: 10_000 } },
          ],
          [
            {
              toolCalls: [
                { name: 'weather', id: 'w1', args: { city: 'Paris', apiToken: 'sk-secret-123' } },
              ],
            },
          ],
          [{ text: 'Sunny in Paris.' }],
        ],
      },
      { name: 'concierge', tools: [weather], telemetry: { tracerProvider } },
    );
    const session = await createLiveSession(agent, { model: 'gemini-3.1-flash-live-preview' });
    const events = session[Symbol.asyncIterator]();
    session.sendText('hello');
    await readUntil(events, (event) => event.type === 'reconnect');
    session.sendText('weather in Paris?');
    await readUntil(events, (event) => event.type === 'turn-end');
    await session.close();

    const spans = exporter.getFinishedSpans();
    const byName = (name: string) => spans.filter((span) => span.name === name);
    const [root] = byName('invoke_agent concierge');
    expect(root?.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.request.model': 'gemini-3.1-flash-live-preview',
      'gen_ai.agent.name': 'concierge',
      'server.address': '127.0.0.1',
    });
    expect(root?.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        'gemloop.live.reconnect',
        {
          'gemloop.live.reconnect.reason': 'go-away',
          'gemloop.live.reconnect.attempt': 1,
          'gemloop.live.reconnect.discarded_turn': false,
        },
      ],
    ]);
    const turns = byName('generate_content gemini-3.1-flash-live-preview');
    // The greeting, and the turn that called the blocking tool and answered after its result:
    // the model waits on a blocking call inside its turn (no turnComplete until it answered).
    expect(turns.map((span) => span.attributes['gemloop.live.turn'])).toEqual([1, 2]);
    expect(turns[0]?.attributes).toMatchObject({
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 10,
      // 60 text tokens x $0.75 + 40 audio tokens x $3.00 + 10 output tokens x $4.50, per 1M.
      'gemloop.cost.usd': 0.00021,
      'gemloop.live.interrupted': false,
    });
    const [tool] = byName('execute_tool weather');
    expect(tool?.attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'weather',
      'gen_ai.tool.call.id': 'w1',
      'gen_ai.tool.type': 'function',
      'gemloop.live.tool.behavior': 'BLOCKING',
    });
    // Turns and tools hang under the session (a background tool outlives its turn).
    const rootId = root?.spanContext().spanId;
    for (const span of [...turns, tool]) expect(span?.parentSpanContext?.spanId).toBe(rootId);
    // No argument, text or key in any span.
    const written = JSON.stringify(spans.map((span) => [span.name, span.attributes, span.events]));
    expect(written).not.toContain('sk-secret-123');
    expect(written).not.toContain('Paris');
    expect(written).not.toContain('Hello there');
    expect(written).not.toContain('test-key');
  });

  it('marks the span of a call an approval modified, its result or its error, with no argument (leftovers59)', async () => {
    // A run's tool span says `gemloop.tool.call.modified`; a live session's said nothing, so its
    // trace showed the model's call beside a result of other arguments.
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const login = defineTool({
      name: 'login',
      parameters: z.object({ user: z.string(), password: z.string() }),
      execute: async ({ user }) => {
        if (user === 'mallory') throw new Error('locked');
        return { user, ok: true };
      },
    });
    const { agent } = await liveFixture(
      {
        script: [
          [
            {
              toolCalls: [
                { name: 'login', args: { user: 'ada', password: 'hunter2-pw' }, id: 'c1' },
                { name: 'login', args: { user: 'bob', password: 'bob-pw-1' }, id: 'c2' },
                { name: 'login', args: { user: 'eve', password: 'eve-pw-3' }, id: 'c3' },
              ],
            },
          ],
          [{ text: 'Done.' }],
        ],
      },
      {
        tools: [login],
        telemetry: { tracerProvider },
        beforeToolCall: ({ toolCallId }) =>
          toolCallId === 'c1'
            ? { type: 'modify', args: { user: 'grace', password: 'swapped-pw-9' } }
            : toolCallId === 'c3'
              ? { type: 'modify', args: { user: 'mallory', password: 'swapped-pw-7' } }
              : undefined,
      },
    );
    const session = await createLiveSession(agent, { model: 'gemini-3.1-flash-live-preview' });
    const events = session[Symbol.asyncIterator]();
    session.sendText('sign us in');
    await readUntil(events, (event) => event.type === 'turn-end');
    await session.close();

    const spans = exporter.getFinishedSpans().filter((span) => span.name === 'execute_tool login');
    const byCall = (id: string) =>
      spans.find((span) => span.attributes['gen_ai.tool.call.id'] === id)?.attributes;
    expect(byCall('c1')).toMatchObject({ 'gemloop.tool.call.modified': true });
    expect(byCall('c1')).not.toHaveProperty('error.type');
    expect(byCall('c2')).toBeDefined();
    expect(byCall('c2')).not.toHaveProperty('gemloop.tool.call.modified');
    expect(byCall('c3')).toMatchObject({
      'gemloop.tool.call.modified': true,
      'error.type': 'error',
    });
    // No content in a live span: neither the model's arguments nor what ran.
    const written = JSON.stringify(exporter.getFinishedSpans().map((span) => span.attributes));
    for (const secret of ['hunter2-pw', 'swapped-pw-9', 'swapped-pw-7', 'grace', 'mallory'])
      expect(written).not.toContain(secret);
  });
});
