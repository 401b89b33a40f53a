import { createFakeGemini, type FakeGemini, googleError, turn } from '@gemloop/testing';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { ModelCallError } from '../agent/errors/model-call-error.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { toolTypeKey } from './run-observer.ts';
import type { TelemetryOptions } from './telemetry-options.ts';

// Spans and metrics through the OpenTelemetry SDK's in-memory exporter and a metric reader,
// against the fake Gemini server on 127.0.0.1: names, kinds, attributes and parent/child
// structure as the GenAI semantic conventions v1.41.0 describe them.

class TestMetricReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
});
afterAll(() => {
  context.disable();
});

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(
  fakeOptions: Parameters<typeof createFakeGemini>[0],
  { retry = false as false | { initialDelayMs: number; jitter: boolean } } = {},
) {
  const fake = createFakeGemini(fakeOptions);
  fakes.push(fake);
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'secret-test-key', retry });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const telemetry: TelemetryOptions = { tracerProvider, meterProvider, conventions: 'latest' };
  const port = Number(new URL(url).port);
  return { fake, gemini, exporter, reader, telemetry, tracerProvider, port };
}

function byName(spans: readonly ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((span) => span.name === name);
}

function one(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = byName(spans, name);
  expect(found, name).toHaveLength(1);
  return found[0] as ReadableSpan;
}

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

const weather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => {
    // The tool's own span must nest under its execute_tool span.
    return trace.getTracer('weather-tool').startActiveSpan(`fetch ${city}`, async (span) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      span.end();
      return { city, forecast: 'sunny' };
    });
  },
});

describe('OpenTelemetry GenAI spans', () => {
  it('a run with parallel tool calls: invoke_agent > generate_content, execute_tool (siblings) > the tool span', async () => {
    const { gemini, exporter, telemetry, tracerProvider, port } = await setup({
      script: [
        turn.calls([
          { name: 'get_weather', args: { city: 'Paris' } },
          { name: 'get_weather', args: { city: 'Oslo' } },
        ]),
        turn.text('Sunny in both.'),
      ],
    });
    // The tool's tracer comes from the global API; point it at the same provider.
    trace.setGlobalTracerProvider(tracerProvider);
    try {
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        name: 'weather-assistant',
        tools: [weather],
        generationConfig: { temperature: 0.2, topP: 0.9, maxOutputTokens: 512 },
        telemetry,
      });
      await agent.run('Weather in Paris and Oslo?');
    } finally {
      trace.disable();
    }
    const spans = exporter.getFinishedSpans();
    const run = one(spans, 'invoke_agent weather-assistant');
    expect(run.kind).toBe(SpanKind.INTERNAL);
    expect(parentOf(run)).toBeUndefined();
    expect(run.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.agent.name': 'weather-assistant',
      'gen_ai.request.model': 'gemini-2.5-flash',
      'server.address': '127.0.0.1',
      'server.port': port,
    });
    expect(run.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);

    const calls = byName(spans, 'generate_content gemini-2.5-flash');
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.kind).toBe(SpanKind.CLIENT);
      expect(parentOf(call)).toBe(run.spanContext().spanId);
      expect(call.attributes).toMatchObject({
        'gen_ai.operation.name': 'generate_content',
        'gen_ai.provider.name': 'gcp.gemini',
        'gen_ai.request.model': 'gemini-2.5-flash',
        'gen_ai.request.stream': false,
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.top_p': 0.9,
        'gen_ai.request.max_tokens': 512,
        'server.address': '127.0.0.1',
        'server.port': port,
        'gen_ai.response.finish_reasons': ['STOP'],
      });
      expect(typeof call.attributes['gen_ai.response.model']).toBe('string');
      expect(typeof call.attributes['gen_ai.response.id']).toBe('string');
      expect(call.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(call.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
      expect(call.attributes['gen_ai.response.time_to_first_chunk']).toBeUndefined();
      // Content is opt-in.
      expect(call.attributes['gen_ai.input.messages']).toBeUndefined();
      expect(call.status.code).not.toBe(SpanStatusCode.ERROR);
    }

    const tools = byName(spans, 'execute_tool get_weather');
    expect(tools).toHaveLength(2);
    const ids = tools.map((span) => span.attributes['gen_ai.tool.call.id']);
    expect(new Set(ids).size).toBe(2);
    for (const tool of tools) {
      expect(tool.kind).toBe(SpanKind.INTERNAL);
      // Parallel calls are siblings under the run, not nested in each other.
      expect(parentOf(tool)).toBe(run.spanContext().spanId);
      expect(tool.attributes).toMatchObject({
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.type': 'function',
        'gen_ai.tool.description': 'Current weather for a city.',
      });
      expect(tool.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
    }
    // Each tool's own span nests under its execute_tool span (context propagation).
    for (const city of ['Paris', 'Oslo']) {
      const inner = one(spans, `fetch ${city}`);
      const parent = tools.find((tool) => tool.spanContext().spanId === parentOf(inner));
      expect(parent, city).toBeDefined();
    }
    // The two tool calls overlapped in time: they ran side by side.
    const [first, second] = tools as [ReadableSpan, ReadableSpan];
    expect(first.startTime[0] * 1e9 + first.startTime[1]).toBeLessThan(
      second.endTime[0] * 1e9 + second.endTime[1],
    );
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(1);
  });

  it("toolCallOrder 'replayable': the hook's and the tool's spans nest under their own call's execute_tool span", async () => {
    const { gemini, exporter, telemetry, tracerProvider } = await setup({
      script: [
        turn.calls([
          { name: 'get_weather', args: { city: 'Paris' } },
          { name: 'get_weather', args: { city: 'Oslo' } },
        ]),
        turn.text('Sunny in both.'),
      ],
    });
    trace.setGlobalTracerProvider(tracerProvider);
    try {
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        name: 'weather-assistant',
        tools: [weather],
        toolCallOrder: 'replayable',
        // Decided before either call runs: each decision in its own call's context still.
        beforeToolCall: ({ rawArgs }) => {
          trace
            .getTracer('approvals')
            .startSpan(`approve ${String(rawArgs['city'])}`)
            .end();
        },
        telemetry,
      });
      await agent.run('Weather in Paris and Oslo?');
    } finally {
      trace.disable();
    }
    const spans = exporter.getFinishedSpans();
    const tools = byName(spans, 'execute_tool get_weather');
    expect(tools).toHaveLength(2);
    for (const city of ['Paris', 'Oslo']) {
      const approval = one(spans, `approve ${city}`);
      const inner = one(spans, `fetch ${city}`);
      expect(parentOf(approval), city).toBe(parentOf(inner));
      expect(tools.some((tool) => tool.spanContext().spanId === parentOf(inner))).toBe(true);
    }
    expect(parentOf(one(spans, 'fetch Paris'))).not.toBe(parentOf(one(spans, 'fetch Oslo')));
  });

  it('a streamed run: gen_ai.request.stream and time to first chunk', async () => {
    const { gemini, exporter, telemetry } = await setup({
      script: [turn.text('A streamed answer in several chunks.')],
      chunkSize: 5,
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', name: 'streamer', telemetry });
    const stream = agent.stream('Hi');
    for await (const _event of stream) {
      // drain
    }
    await stream.result;
    const spans = exporter.getFinishedSpans();
    const run = one(spans, 'invoke_agent streamer');
    const call = one(spans, 'generate_content gemini-2.5-flash');
    expect(parentOf(call)).toBe(run.spanContext().spanId);
    expect(call.attributes['gen_ai.request.stream']).toBe(true);
    const ttfc = call.attributes['gen_ai.response.time_to_first_chunk'];
    expect(typeof ttfc).toBe('number');
    expect(ttfc as number).toBeGreaterThanOrEqual(0);
    expect(call.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
  });

  it('a retried call: one generate_content span with a retry event per failed attempt', async () => {
    const { gemini, exporter, telemetry } = await setup(
      {
        script: [turn.text('Fine now.')],
        faults: [{ fault: { type: 'overloaded' }, on: [0, 1] }],
      },
      { retry: { initialDelayMs: 1, jitter: false } },
    );
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', telemetry });
    await agent.run('Hi');
    const spans = exporter.getFinishedSpans();
    const call = one(spans, 'generate_content gemini-2.5-flash');
    const retries = call.events.filter((event) => event.name === 'gen_ai.client.retry');
    expect(retries.map((event) => event.attributes)).toEqual([
      expect.objectContaining({ 'gemloop.retry.attempt': 1, 'error.type': '503' }),
      expect.objectContaining({ 'gemloop.retry.attempt': 2, 'error.type': '503' }),
    ]);
    expect(call.attributes['error.type']).toBeUndefined();
    expect(one(spans, 'invoke_agent').status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('a failed call: error.type and an error status on the call and the run', async () => {
    const { gemini, exporter, telemetry } = await setup({
      script: [turn.text('never')],
      faults: [
        {
          fault: { type: 'http-error', error: googleError(400, 'Bad model request.') },
          on: 0,
        },
      ],
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', telemetry });
    await expect(agent.run('Hi')).rejects.toBeInstanceOf(ModelCallError);
    const spans = exporter.getFinishedSpans();
    const call = one(spans, 'generate_content gemini-2.5-flash');
    expect(call.attributes['error.type']).toBe('400');
    expect(call.status.code).toBe(SpanStatusCode.ERROR);
    const run = one(spans, 'invoke_agent');
    expect(run.attributes['error.type']).toBe('ModelCallError');
    expect(run.status.code).toBe(SpanStatusCode.ERROR);
    // The key never reaches a span.
    expect(JSON.stringify(spans.map((span) => [span.attributes, span.status]))).not.toContain(
      'secret-test-key',
    );
  });

  it('an aborted run: the tool span and the run end with error.type', async () => {
    const { gemini, exporter, telemetry } = await setup({
      script: [turn.call('wait_forever', {}), turn.text('never')],
    });
    const controller = new AbortController();
    const waitForever = defineTool({
      name: 'wait_forever',
      description: 'Waits until aborted.',
      parameters: z.object({}),
      execute: (_args, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          controller.abort(new Error('user pressed stop'));
        }),
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [waitForever],
      telemetry,
    });
    await expect(agent.run('Go', { signal: controller.signal })).rejects.toBeInstanceOf(
      AgentAbortedError,
    );
    const spans = exporter.getFinishedSpans();
    const tool = one(spans, 'execute_tool wait_forever');
    expect(tool.attributes['error.type']).toBe('aborted');
    expect(tool.status.code).toBe(SpanStatusCode.ERROR);
    const run = one(spans, 'invoke_agent');
    expect(run.attributes['error.type']).toBe('AgentAbortedError');
    // Why, as the recorder's run-end line says it (the signal's reason).
    expect(run.attributes['gemloop.abort.reason']).toBe('user pressed stop');
    expect(parentOf(tool)).toBe(run.spanContext().spanId);
  });

  it('a chat of three turns: one invoke_agent per turn, all with the conversation id', async () => {
    const { gemini, exporter, telemetry } = await setup({
      script: [turn.text('One.'), turn.text('Two.'), turn.text('Three.')],
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', name: 'chatty', telemetry });
    const chat = createChatSession({ agent, id: 'session-7' });
    await chat.send('first');
    await chat.send('second');
    const stream = chat.sendStream('third');
    for await (const _event of stream) {
      // drain
    }
    await stream.result;
    const spans = exporter.getFinishedSpans();
    const runs = byName(spans, 'invoke_agent chatty');
    expect(runs).toHaveLength(3);
    const calls = byName(spans, 'generate_content gemini-2.5-flash');
    expect(calls).toHaveLength(3);
    for (const run of runs) {
      expect(run.attributes['gen_ai.conversation.id']).toBe('session-7');
      const children = calls.filter((call) => parentOf(call) === run.spanContext().spanId);
      expect(children).toHaveLength(1);
      expect(children[0]?.attributes['gen_ai.conversation.id']).toBe('session-7');
    }
    expect(calls.map((call) => call.attributes['gen_ai.request.stream'])).toEqual([
      false,
      false,
      true,
    ]);
  });

  it('records content, tool arguments and results only when asked to', async () => {
    const { gemini, exporter, telemetry } = await setup({
      script: [turn.call('get_weather', { city: 'Rome' }), turn.text('Sunny.')],
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: 'Be brief.',
      tools: [weather],
      telemetry: { ...telemetry, recordContent: true },
    });
    await agent.run('Weather in Rome?');
    const spans = exporter.getFinishedSpans();
    const [firstCall] = byName(spans, 'generate_content gemini-2.5-flash');
    expect(JSON.parse(firstCall?.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Rome?' }] },
    ]);
    expect(JSON.parse(firstCall?.attributes['gen_ai.system_instructions'] as string)).toEqual([
      { type: 'text', content: 'Be brief.' },
    ]);
    expect(JSON.parse(firstCall?.attributes['gen_ai.output.messages'] as string)).toEqual([
      expect.objectContaining({
        role: 'assistant',
        parts: [
          expect.objectContaining({
            type: 'tool_call',
            name: 'get_weather',
            arguments: { city: 'Rome' },
          }),
        ],
      }),
    ]);
    const tool = one(spans, 'execute_tool get_weather');
    expect(JSON.parse(tool.attributes['gen_ai.tool.call.arguments'] as string)).toEqual({
      city: 'Rome',
    });
    expect(JSON.parse(tool.attributes['gen_ai.tool.call.result'] as string)).toEqual({
      city: 'Rome',
      forecast: 'sunny',
    });
  });

  it('emits the v1.36.0 attributes (gen_ai.system) without the opt-in', async () => {
    const { gemini, exporter, telemetry } = await setup({ script: [turn.text('Hi.')] });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      telemetry: { ...telemetry, conventions: 'v1.36.0', recordContent: true },
    });
    await agent.run('Hi');
    const call = one(exporter.getFinishedSpans(), 'generate_content gemini-2.5-flash');
    expect(call.attributes['gen_ai.system']).toBe('gcp.gemini');
    expect(call.attributes['gen_ai.provider.name']).toBeUndefined();
    expect(call.attributes['gen_ai.request.stream']).toBeUndefined();
    expect(call.attributes['gen_ai.usage.reasoning.output_tokens']).toBeUndefined();
    expect(call.attributes['gen_ai.input.messages']).toBeUndefined();
  });
});

describe('the globally registered provider', () => {
  it('is used without a telemetry option, with the conventions OTEL_SEMCONV_STABILITY_OPT_IN names', async () => {
    const { gemini, exporter, tracerProvider } = await setup({ script: [turn.text('Hi.')] });
    const previous = process.env['OTEL_SEMCONV_STABILITY_OPT_IN'];
    process.env['OTEL_SEMCONV_STABILITY_OPT_IN'] = 'http,gen_ai_latest_experimental';
    trace.setGlobalTracerProvider(tracerProvider);
    try {
      await createAgent({ gemini, model: 'gemini-2.5-flash', name: 'global' }).run('Hi');
    } finally {
      trace.disable();
      if (previous === undefined) delete process.env['OTEL_SEMCONV_STABILITY_OPT_IN'];
      else process.env['OTEL_SEMCONV_STABILITY_OPT_IN'] = previous;
    }
    const spans = exporter.getFinishedSpans();
    const call = one(spans, 'generate_content gemini-2.5-flash');
    expect(call.attributes['gen_ai.provider.name']).toBe('gcp.gemini');
    expect(parentOf(call)).toBe(one(spans, 'invoke_agent global').spanContext().spanId);
  });
});

describe('gen_ai.tool.type', () => {
  it('is the tool’s declared toolType (mcp), else function', async () => {
    const { gemini, exporter, telemetry } = await setup({
      script: [
        turn.calls([
          { name: 'remote_search', args: { q: 'x' } },
          { name: 'local', args: { q: 'y' } },
        ]),
        turn.text('Done.'),
      ],
    });
    const tool = (name: string) =>
      defineTool({
        name,
        description: 'A tool.',
        parameters: z.object({ q: z.string() }),
        execute: () => ({ hits: 0 }),
      });
    const remote = { ...tool('remote_search'), toolType: 'mcp' } as const;
    await createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [remote, tool('local')],
      telemetry,
    }).run('Go');
    const spans = exporter.getFinishedSpans();
    expect(one(spans, 'execute_tool remote_search').attributes['gen_ai.tool.type']).toBe('mcp');
    expect(one(spans, 'execute_tool local').attributes['gen_ai.tool.type']).toBe('function');
  });

  it('still reads the deprecated toolTypeKey symbol when toolType is absent', async () => {
    const { gemini, exporter, telemetry } = await setup({
      script: [turn.call('remote_search', { q: 'x' }), turn.text('Done.')],
    });
    const remote = Object.freeze({
      ...defineTool({
        name: 'remote_search',
        description: 'An MCP tool.',
        parameters: z.object({ q: z.string() }),
        execute: () => ({ hits: 0 }),
      }),
      [toolTypeKey]: 'mcp',
    });
    await createAgent({ gemini, model: 'gemini-2.5-flash', tools: [remote], telemetry }).run('Go');
    const tool = one(exporter.getFinishedSpans(), 'execute_tool remote_search');
    expect(tool.attributes['gen_ai.tool.type']).toBe('mcp');
  });
});

describe('OpenTelemetry GenAI metrics', () => {
  it('records gen_ai.client.token.usage and gen_ai.client.operation.duration per model call', async () => {
    const { gemini, reader, telemetry, port } = await setup({
      script: [turn.text('Hello there.')],
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', telemetry });
    await agent.run('Hi');
    const { resourceMetrics } = await reader.collect();
    const metrics = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    const usage = metrics.find((metric) => metric.descriptor.name === 'gen_ai.client.token.usage');
    expect(usage?.descriptor.unit).toBe('{token}');
    const types = usage?.dataPoints.map((point) => point.attributes['gen_ai.token.type']).sort();
    expect(types).toEqual(['input', 'output']);
    for (const point of usage?.dataPoints ?? []) {
      expect(point.attributes).toMatchObject({
        'gen_ai.operation.name': 'generate_content',
        'gen_ai.provider.name': 'gcp.gemini',
        'gen_ai.request.model': 'gemini-2.5-flash',
        'server.address': '127.0.0.1',
        'server.port': port,
      });
      expect((point.value as { count: number; sum: number }).count).toBe(1);
      expect((point.value as { sum: number }).sum).toBeGreaterThan(0);
    }
    const duration = metrics.find(
      (metric) => metric.descriptor.name === 'gen_ai.client.operation.duration',
    );
    expect(duration?.descriptor.unit).toBe('s');
    expect(duration?.dataPoints).toHaveLength(1);
    expect(duration?.dataPoints[0]?.attributes).toMatchObject({
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.request.model': 'gemini-2.5-flash',
    });
    expect(duration?.dataPoints[0]?.attributes['error.type']).toBeUndefined();
  });
});

// A run's own `generationConfig` (the run option) shows on each of its model-call spans as the
// GenAI conventions' request attributes (gen_ai.request.temperature, top_p, top_k, max_tokens,
// stop_sequences, seed, presence_penalty, frequency_penalty: opentelemetry.io/docs/specs/semconv/
// gen-ai/gen-ai-spans), over the agent's, streamed and not; the agent's next run shows its own.
describe('a run’s generationConfig on the model-call spans', () => {
  for (const streaming of [false, true]) {
    it(`carries the run’s settings over the agent’s (${streaming ? 'stream' : 'run'})`, async () => {
      const { gemini, exporter, telemetry } = await setup({
        script: [
          turn.call('get_weather', { city: 'Paris' }),
          turn.text('Sunny.'),
          turn.text('Again.'),
        ],
      });
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [weather],
        telemetry,
        generationConfig: { temperature: 1, topK: 20 },
      });
      const generationConfig = {
        temperature: 0.2,
        topP: 0.9,
        maxOutputTokens: 64,
        stopSequences: ['END'],
        seed: 7,
        presencePenalty: 0.5,
        frequencyPenalty: 0.25,
      };
      if (streaming) await agent.stream('Weather?', { generationConfig }).result;
      else await agent.run('Weather?', { generationConfig });
      const calls = byName(exporter.getFinishedSpans(), 'generate_content gemini-2.5-flash');
      expect(calls).toHaveLength(2);
      for (const call of calls) {
        expect(call.attributes).toMatchObject({
          'gen_ai.request.temperature': 0.2,
          'gen_ai.request.top_p': 0.9,
          'gen_ai.request.top_k': 20,
          'gen_ai.request.max_tokens': 64,
          'gen_ai.request.stop_sequences': ['END'],
          'gen_ai.request.seed': 7,
          'gen_ai.request.presence_penalty': 0.5,
          'gen_ai.request.frequency_penalty': 0.25,
        });
      }
      exporter.reset();
      await agent.run('Again?');
      const next = one(exporter.getFinishedSpans(), 'generate_content gemini-2.5-flash');
      expect(next.attributes['gen_ai.request.temperature']).toBe(1);
      expect(next.attributes['gen_ai.request.max_tokens']).toBeUndefined();
    });
  }
});
