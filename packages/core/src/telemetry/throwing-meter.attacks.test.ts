import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { compaction } from '../compaction/compaction.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { page, pagesThenSummary } from './__fixtures__/pages-then-summary.ts';

// attack63a: a meter provider that works at setup but whose histograms throw when recording (a
// metrics SDK shut down while the process serves, a vendor's wrapper over its own limit). The
// traces are another pipeline: a metric point that could not be kept must not cost them the
// model call's span, which ended after the metrics were recorded.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const throwingMeterProvider = {
  getMeter: () => ({
    createHistogram: () => ({
      record: () => {
        throw new Error('the metrics SDK is shut down');
      },
    }),
  }),
};

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a row up.',
  parameters: z.object({ id: z.number() }),
  execute: () => ({ found: true }),
});

describe('a meter whose histograms throw, beside a tracer that works', () => {
  it.each([false, true])('every span of the run still ends (streamed: %s)', async (streamed) => {
    const fake = createFakeGemini({ script: [turn.call('lookup', { id: 1 }), turn.text('done')] });
    fakes.push(fake);
    const { url } = await fake.listen();
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'secret-test-key', retry: false }),
      model: 'gemini-2.5-flash',
      tools: [lookup],
      telemetry: { tracerProvider, meterProvider: throwingMeterProvider as never },
    });
    const text = streamed ? (await agent.stream('Go').result).text : (await agent.run('Go')).text;
    expect(text).toBe('done');
    const names = exporter
      .getFinishedSpans()
      .map((span) => span.name)
      .sort();
    expect(names).toEqual([
      'execute_tool lookup',
      'generate_content gemini-2.5-flash',
      'generate_content gemini-2.5-flash',
      'invoke_agent',
    ]);
    const calls = exporter
      .getFinishedSpans()
      .filter((span) => span.name.startsWith('generate_content'));
    for (const call of calls)
      expect(call.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
  });
});

describe('a meter whose histograms throw, in a run that compacts', () => {
  it("the compaction's span and its summarizer's still end", async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const agent = createAgent({
      gemini: pagesThenSummary(),
      model: 'gemini-2.5-flash',
      tools: [page],
      telemetry: { tracerProvider, meterProvider: throwingMeterProvider as never },
      compaction: compaction({
        maxTokens: 4_000,
        summarize: true,
        clearToolResults: false,
        keepRecent: 2,
      }),
    });
    const result = await agent.run('Read the pages.');
    expect(result.text).toBe('done');
    const spans = exporter.getFinishedSpans();
    const compactions = spans.filter((span) => span.name === 'gemloop.compaction');
    const summaries = spans.filter(
      (span) => span.attributes['gemloop.compaction.summarizer'] === true,
    );
    expect(compactions.length).toBeGreaterThan(0);
    expect(summaries).toHaveLength(compactions.length);
  });
});
