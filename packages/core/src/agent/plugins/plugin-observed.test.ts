import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createGemini } from '../../http/create-gemini.ts';
import { createAgent } from '../create-agent.ts';
import { definePlugin } from './agent-plugin.ts';

// What a plugin reports (`run.emit`) as OpenTelemetry sees it: an event on the run span, its data
// only where message content is recorded, cut to a bound.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('a plugin report as the spans show it', () => {
  it('is an event on the run span, with its data only where content is recorded, bounded', async () => {
    for (const recordContent of [true, false]) {
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const fake = createFakeGemini({ script: [turn.text('Hi.')] });
      fakes.push(fake);
      const gemini = createGemini({ fetch: fake.fetch, apiKey: 'secret-key', retry: false });
      const reporter = definePlugin({
        name: 'reporter',
        beforeModelCall: (_call, run) => {
          run.emit('checked', { ok: true });
          run.emit('huge', { blob: 'x'.repeat(100_000) });
        },
      });
      const agent = createAgent({
        gemini,
        model: 'gemini-3-flash-preview',
        plugins: [reporter],
        telemetry: { tracerProvider, conventions: 'latest', recordContent },
      });
      await agent.run('Hi');
      const runSpan = exporter
        .getFinishedSpans()
        .find((span) => span.name.startsWith('invoke_agent'));
      const events = (runSpan?.events ?? []).filter((event) => event.name === 'gemloop.plugin');
      expect(events).toHaveLength(2);
      expect(events[0]?.attributes).toEqual({
        'gemloop.plugin.name': 'reporter',
        'gemloop.plugin.kind': 'checked',
        'gemloop.plugin.step': 1,
        ...(recordContent ? { 'gemloop.plugin.data': '{"ok":true}' } : {}),
      });
      const huge = events[1]?.attributes?.['gemloop.plugin.data'];
      if (recordContent) expect(String(huge).length).toBe(4000);
      else expect(huge).toBeUndefined();
    }
  });
});
