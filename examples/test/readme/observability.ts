// README: "See what an agent did". Traces go to any OpenTelemetry tracer provider (here an
// in-memory exporter; in production an OTLP exporter), and runs are recorded for `gemloop view`.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, temperatureC: 18, conditions: 'sunny' }),
});

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});

const agent = createAgent({
  gemini: createGemini(),
  model: 'gemini-3-flash-preview',
  name: 'weather-bot',
  tools: [getWeather],
  telemetry: { tracerProvider }, // or nothing: the globally registered provider, if any
  recorder: createRunRecorder(), // each run as JSON lines in .gemloop/runs, for `npx gemloop view`
});

await agent.run('What is the weather in Paris?');
console.log(exporter.getFinishedSpans().map((span) => span.name));
