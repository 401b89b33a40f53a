import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { compaction } from '../compaction/compaction.ts';
import { page, pagesThenSummary } from './__fixtures__/pages-then-summary.ts';

// A compaction's summary is a billed model call like the steps': its tokens and cost reach the
// run's totals, so they reach the per-call telemetry too (its span's cost, the token metric).

class TestMetricReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

describe('telemetry of the compaction summarizer', () => {
  it('puts its cost on its span and its tokens in gen_ai.client.token.usage', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const reader = new TestMetricReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const agent = createAgent({
      gemini: pagesThenSummary({
        promptTokenCount: 7_000,
        candidatesTokenCount: 300,
        totalTokenCount: 7_300,
      }),
      model: 'gemini-2.5-flash',
      name: 'reader',
      tools: [page],
      telemetry: { tracerProvider, meterProvider, conventions: 'latest' },
      compaction: compaction({
        maxTokens: 4_000,
        summarize: true,
        clearToolResults: false,
        keepRecent: 2,
      }),
    });
    const result = await agent.run('Read the pages.');
    const spans = exporter.getFinishedSpans();
    const summaries = spans.filter(
      (span) => span.attributes['gemloop.compaction.summarizer'] === true,
    );
    expect(summaries.length).toBeGreaterThan(0);
    // 7000 x $0.30/M + 300 x $2.50/M
    for (const summary of summaries) expect(summary.attributes['gemloop.cost.usd']).toBe(0.00285);

    // Every model call's span together costs what the run's does.
    let calls = 0;
    for (const span of spans) {
      if (span.name.startsWith('generate_content'))
        calls += span.attributes['gemloop.cost.usd'] as number;
    }
    const run = spans.find((span) => span.name === 'invoke_agent reader');
    expect(calls).toBeCloseTo(run?.attributes['gemloop.cost.usd'] as number, 12);
    expect(run?.attributes['gemloop.cost.usd']).toBe(Number(result.cost.total));

    // The token metric counts every billed token of the run, the summaries' included.
    const { resourceMetrics } = await reader.collect();
    const usage = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((metric) => metric.descriptor.name === 'gen_ai.client.token.usage');
    const sum = (type: string) =>
      (usage?.dataPoints ?? [])
        .filter((point) => point.attributes['gen_ai.token.type'] === type)
        .reduce((total, point) => total + (point.value as { sum: number }).sum, 0);
    expect(sum('input')).toBe(result.usage.promptTokenCount + result.usage.toolUsePromptTokenCount);
    expect(sum('output')).toBe(result.usage.candidatesTokenCount + result.usage.thoughtsTokenCount);
    const duration = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((metric) => metric.descriptor.name === 'gen_ai.client.operation.duration');
    const durationCount = (duration?.dataPoints ?? []).reduce(
      (total, point) => total + (point.value as { count: number }).count,
      0,
    );
    expect(durationCount).toBe(result.steps.length + summaries.length);
  });
});
