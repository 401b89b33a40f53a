import { createAgent, createChatSession, createGemini, defineTool } from '@gemloop/core';
import type { TransportOption } from '@gemloop/core/http';
import type { TelemetryOptions } from '@gemloop/core/telemetry';
import { z } from 'zod';
import { ADD_DESCRIPTION, add, MULTIPLY_DESCRIPTION, multiply } from '../script/bench-tools.ts';
import { BENCH_MODEL } from '../script/run-script.ts';
import {
  type ChatSession,
  type Contender,
  type LoopContext,
  type LoopRunner,
  responseFromPieces,
  type StreamParser,
} from './contender.ts';

const input = z.object({ a: z.number().int(), b: z.number().int() });

/** The same two tools, the gemloop way: zod parameters and `execute`. */
const TOOLS = [
  defineTool({
    name: 'add',
    description: ADD_DESCRIPTION,
    parameters: input,
    execute: (args) => add(args),
  }),
  defineTool({
    name: 'multiply',
    description: MULTIPLY_DESCRIPTION,
    parameters: input,
    execute: (args) => multiply(args),
  }),
];

// Everything else at its defaults (retry policy, timeouts, silent logger, telemetry idle with no
// OpenTelemetry provider registered, the 'auto' transport: undici's request API over HTTP, the
// injected fetch in process): what a user gets.
function createBenchAgent(
  { baseUrl, apiKey, maxSteps, fetch }: LoopContext,
  telemetry?: TelemetryOptions | false,
  transport: TransportOption = 'auto',
) {
  return createAgent({
    gemini: createGemini(
      fetch === undefined ? { apiKey, baseUrl, transport } : { apiKey, baseUrl, fetch },
    ),
    model: BENCH_MODEL,
    tools: TOOLS,
    maxSteps,
    ...(telemetry === undefined ? {} : { telemetry }),
  });
}

/** gemloop `agent.run`. */
export const gemloopRunContender: Contender = {
  name: 'gemloop.run',
  library: '@gemloop/core',
  streaming: false,
  description: 'createAgent + defineTool (zod), agent.run',
  async createLoop(context: LoopContext): Promise<LoopRunner> {
    const agent = createBenchAgent(context);
    return { run: async (prompt) => (await agent.run(prompt)).text };
  },
  // gemloop's own chat layer: `createChatSession({ agent })` keeps the history in its in-memory
  // store.
  async createChat(context: LoopContext): Promise<ChatSession> {
    const chat = createChatSession({ agent: createBenchAgent(context) });
    return {
      send: async (text) => (await chat.send(text)).text,
      storedTurns: async () => (await chat.history()).length / 2,
    };
  },
};

/**
 * gemloop `agent.run` with `telemetry: false`: the loop with no observer at all, to show in the
 * same run that idle telemetry (the default, nothing registered) costs a step nothing.
 */
export const gemloopNoTelemetryContender: Contender = {
  name: 'gemloop.run.no-telemetry',
  library: '@gemloop/core',
  streaming: false,
  description: 'gemloop.run with telemetry: false',
  async createLoop(context: LoopContext): Promise<LoopRunner> {
    const agent = createBenchAgent(context, false);
    return { run: async (prompt) => (await agent.run(prompt)).text };
  },
};

/**
 * gemloop `agent.run` traced: the OpenTelemetry SDK with an in-memory span exporter (cleared every
 * 1000 spans) and a meter provider, so the row shows what tracing and metrics add to a step.
 */
export const gemloopOtelContender: Contender = {
  name: 'gemloop.run+otel',
  library: '@gemloop/core',
  streaming: false,
  description: 'gemloop.run with telemetry: OpenTelemetry SDK, in-memory span exporter, metrics',
  async createLoop(context: LoopContext): Promise<LoopRunner> {
    const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import(
      '@opentelemetry/sdk-trace-base'
    );
    const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const agent = createBenchAgent(context, {
      tracerProvider,
      meterProvider: new MeterProvider(),
      conventions: 'latest',
    });
    return {
      async run(prompt) {
        const text = (await agent.run(prompt)).text;
        if (exporter.getFinishedSpans().length === 0) throw new Error('gemloop.run+otel: no spans');
        if (exporter.getFinishedSpans().length > 1000) exporter.reset();
        return text;
      },
    };
  },
};

/** gemloop `agent.stream`, every event consumed. */
export const gemloopStreamContender: Contender = {
  name: 'gemloop.stream',
  library: '@gemloop/core',
  streaming: true,
  description: 'createAgent + defineTool (zod), agent.stream, every event consumed',
  async createLoop(context: LoopContext): Promise<LoopRunner> {
    const agent = createBenchAgent(context);
    return {
      async run(prompt) {
        const stream = agent.stream(prompt);
        let events = 0;
        for await (const _event of stream) events++;
        if (events === 0) throw new Error('gemloop.stream: no events');
        return (await stream.result).text;
      },
    };
  },
};

/** gemloop `agent.run` on the fetch transport (`transport: 'fetch'`), the path before undici. */
export const gemloopRunFetchContender: Contender = {
  name: 'gemloop.run.fetch',
  library: '@gemloop/core',
  streaming: false,
  description: "createAgent + defineTool (zod), agent.run, transport: 'fetch'",
  async createLoop(context: LoopContext): Promise<LoopRunner> {
    const agent = createBenchAgent(context, undefined, 'fetch');
    return { run: async (prompt) => (await agent.run(prompt)).text };
  },
};

/** gemloop `agent.stream` on the fetch transport. */
export const gemloopStreamFetchContender: Contender = {
  name: 'gemloop.stream.fetch',
  library: '@gemloop/core',
  streaming: true,
  description: "createAgent + defineTool (zod), agent.stream, transport: 'fetch'",
  async createLoop(context: LoopContext): Promise<LoopRunner> {
    const agent = createBenchAgent(context, undefined, 'fetch');
    return {
      async run(prompt) {
        const stream = agent.stream(prompt);
        let events = 0;
        for await (const _event of stream) events++;
        if (events === 0) throw new Error('gemloop.stream.fetch: no events');
        return (await stream.result).text;
      },
    };
  },
};

/** gemloop's typed stream: `gemini.streamGenerateContent` over an in-memory body. */
export const gemloopParser: StreamParser = {
  name: 'gemloop (streamGenerateContent)',
  library: '@gemloop/core',
  async create() {
    let pieces: readonly Uint8Array[] = [];
    const gemini = createGemini({
      apiKey: 'bench-key',
      baseUrl: 'https://in-memory',
      fetch: async () => responseFromPieces(pieces),
    });
    return async (bodyPieces, prompt) => {
      pieces = bodyPieces;
      let text = '';
      for await (const chunk of gemini.streamGenerateContent({
        model: BENCH_MODEL,
        contents: prompt,
      })) {
        for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
          if (typeof part.text === 'string') text += part.text;
        }
      }
      return text;
    };
  },
};
