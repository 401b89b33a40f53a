import { createFakeGemini, type FakeGemini, googleError, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';

// `gemloop.cost.usd` beside the GenAI usage attributes, on each model-call span and the run span.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

type FakeOptions = NonNullable<Parameters<typeof createFakeGemini>[0]>;

async function setup(script: FakeOptions['script'], faults?: FakeOptions['faults']) {
  const fake = createFakeGemini({ script, faults });
  fakes.push(fake);
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'secret-test-key', retry: false });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { gemini, exporter, telemetry: { tracerProvider, conventions: 'latest' as const } };
}

const usage = { promptTokenCount: 100_000, candidatesTokenCount: 1_000 };

describe('cost span attributes', () => {
  it('puts the cost in dollars on each model call and on the run, streamed and not', async () => {
    for (const streaming of [false, true]) {
      const { gemini, exporter, telemetry } = await setup([turn.text('ok', { usage })]);
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash', telemetry, name: 'a' });
      await (streaming ? agent.stream('Hi').result : agent.run('Hi'));
      const spans = exporter.getFinishedSpans();
      const call = spans.find((span) => span.name === 'generate_content gemini-2.5-flash');
      const run = spans.find((span) => span.name === 'invoke_agent a');
      // 100000 x $0.30/M + 1000 x $2.50/M
      expect(call?.attributes['gemloop.cost.usd']).toBe(0.0325);
      expect(run?.attributes['gemloop.cost.usd']).toBe(0.0325);
      expect(run?.attributes['gen_ai.usage.input_tokens']).toBe(100_000);
    }
  });

  it('says why instead of a number when the price is unknown, and keeps the cost of a failed run', async () => {
    const { gemini, exporter, telemetry } = await setup([turn.text('ok', { usage })]);
    const agent = createAgent({ gemini, model: 'gemini-flash-latest', telemetry, name: 'a' });
    await agent.run('Hi');
    const run = exporter.getFinishedSpans().find((span) => span.name === 'invoke_agent a');
    expect(run?.attributes['gemloop.cost.usd']).toBeUndefined();
    expect(run?.attributes['gemloop.cost.unknown']).toMatch(/no price for gemini-flash-latest/);

    // The second model call fails: the run's error carries the first call's cost.
    const failing = await setup(
      [turn.call('nope', {}, { usage }), turn.text('never')],
      [{ fault: { type: 'http-error', error: googleError(500, 'boom') }, on: 1 }],
    );
    const agent2 = createAgent({
      gemini: failing.gemini,
      model: 'gemini-2.5-flash',
      telemetry: failing.telemetry,
      name: 'b',
    });
    const error = await agent2.run('Hi').then(
      () => undefined,
      (thrown: { run?: { cost?: { total: string | null } } }) => thrown,
    );
    const spent = error?.run?.cost?.total;
    // The first call was billed (its usage, thinking tokens included) before the second failed.
    expect(Number(spent)).toBeGreaterThanOrEqual(0.0325);
    const failed = failing.exporter
      .getFinishedSpans()
      .find((span) => span.name === 'invoke_agent b');
    expect(failed?.attributes['gemloop.cost.usd']).toBe(Number(spent));
  });
});
