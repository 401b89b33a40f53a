import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { liveFixture, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';

// attack29: a Live model calling a tool it was never given, by a 100 KB name and call id. Its
// `execute_tool …` span name, `gen_ai.tool.name` and `gen_ai.tool.call.id` took them whole, as a
// run's spans did (telemetry/hostile-names-in-spans.attacks.test.ts); now cut past 128 characters
// with a note, as there.

const BOUND = 300;

describe("a Live session's spans and a model's long tool names", () => {
  it('cuts the name and id of a call of a tool the session does not have', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const name = `t${'x'.repeat(100_000)}`;
    const id = `c${'i'.repeat(100_000)}`;
    const { agent } = await liveFixture(
      { script: [[{ toolCalls: [{ name, id, args: {} }] }], [{ text: 'Done.' }]] },
      { name: 'concierge', tools: [], telemetry: { tracerProvider } },
    );
    const session = await createLiveSession(agent, { model: 'gemini-3.1-flash-live-preview' });
    const events = session[Symbol.asyncIterator]();
    session.sendText('Call it.');
    await readUntil(events, (event) => event.type === 'turn-end');
    await session.close();
    const spans = exporter.getFinishedSpans();
    const tool = spans.find((span) => span.name.startsWith('execute_tool '));
    expect(tool).toBeDefined();
    expect(tool?.attributes['gen_ai.tool.name']).toBe(
      `t${'x'.repeat(127)}… [${100_001 - 128} characters omitted]`,
    );
    for (const span of spans) {
      expect(span.name.length).toBeLessThanOrEqual(BOUND);
      for (const [key, value] of Object.entries(span.attributes)) {
        expect(JSON.stringify(value).length, key).toBeLessThanOrEqual(BOUND);
      }
    }
    await tracerProvider.shutdown();
  });
});
