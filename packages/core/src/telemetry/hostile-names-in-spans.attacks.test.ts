import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';

// attack29: names a model or gateway writes, as span names and as span and metric attributes. A
// model calling a tool it was never given, by a 1 MB name, made a 1 MB `execute_tool …` span
// name and `gen_ai.tool.name`; a gateway's 1 MB `modelVersion`, `responseId` and finishReason
// became span attributes whole, and `modelVersion` a metric attribute (`gen_ai.response.model`),
// which the metrics SDK keeps, per distinct value, for the life of the process. The GenAI
// conventions name these attributes (gen-ai-spans.md v1.41.0: `gen_ai.tool.name`,
// `gen_ai.response.model`, `gen_ai.response.id`, `gen_ai.response.finish_reasons`); a declared
// tool's name is at most 128 characters (check-tool-name.ts), a model id far less. Now each is cut
// with a note of what was left out; content capture (off here) keeps the model's words as written.

const HUGE = 1_000_000;
const BOUND = 300;

class TestMetricReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

function answer(parts: unknown[], finishReason: string): Response {
  return new Response(
    JSON.stringify({
      candidates: [{ content: { role: 'model', parts }, finishReason }],
      modelVersion: `m${'v'.repeat(HUGE)}`,
      responseId: `r${'i'.repeat(HUGE)}`,
      usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 },
    }),
    { status: 200, headers: { 'content-type': 'application/json' } },
  );
}

describe('names from a model and a gateway, in spans and metrics', () => {
  it.each([false, true])('are bounded (streaming %s)', async (streaming) => {
    const unknownTool = `t${'x'.repeat(HUGE)}`;
    let calls = 0;
    const fetch = (async () => {
      calls++;
      const response =
        calls === 1
          ? answer([{ functionCall: { name: unknownTool, args: {} } }], 'STOP')
          : answer([{ text: 'done' }], `R${'E'.repeat(HUGE)}`);
      if (!streaming) return response;
      return new Response(`data: ${await response.text()}\n\n`, {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
      });
    }) as typeof globalThis.fetch;
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const reader = new TestMetricReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const gemini = createGemini({
      baseUrl: 'https://gw.example',
      apiKey: 'k',
      retry: false,
      fetch,
    });
    const known = defineTool({
      name: 'known',
      description: 'A tool the model does not call.',
      parameters: z.object({}),
      execute: () => 'ok',
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [known],
      telemetry: { tracerProvider, meterProvider, conventions: 'latest' },
    });
    const result = streaming ? await agent.stream('hi').result : await agent.run('hi');
    expect(result.text).toBe('done');

    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name.split(' ')[0])).toEqual([
      'generate_content',
      'execute_tool',
      'generate_content',
      'invoke_agent',
    ]);
    for (const span of spans) {
      expect(span.name.length, span.name.slice(0, 40)).toBeLessThanOrEqual(BOUND);
      for (const [key, value] of Object.entries(span.attributes)) {
        expect(JSON.stringify(value).length, key).toBeLessThanOrEqual(BOUND);
      }
    }
    const tool = spans[1];
    expect(tool?.attributes['gen_ai.tool.name']).toBe(
      `t${'x'.repeat(127)}… [${HUGE + 1 - 128} characters omitted]`,
    );
    expect(spans[0]?.attributes['gen_ai.response.model']).toMatch(
      /^mv+… \[\d+ characters omitted\]$/,
    );

    const { resourceMetrics } = await reader.collect();
    const points = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .flatMap((metric) => metric.dataPoints as readonly { attributes: Record<string, unknown> }[]);
    expect(points.length).toBeGreaterThan(0);
    for (const point of points) {
      for (const [key, value] of Object.entries(point.attributes)) {
        expect(JSON.stringify(value).length, key).toBeLessThanOrEqual(BOUND);
      }
    }
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  });
});
