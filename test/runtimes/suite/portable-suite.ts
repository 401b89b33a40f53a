// The suite every runtime runs: bundled by esbuild and executed inside Bun, Deno, workerd, the
// edge-runtime VM and Chromium, against the fake Gemini served from Node (support/start-fake.ts).
// It uses only what a web runtime has (fetch, Web Streams, TextDecoder, AbortSignal, timers) and
// returns plain JSON, which the Node side checks with expectPortableSuiteReport().

import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { TimeoutError } from '@gemloop/core/errors';
import { preloadToolSchemas } from '@gemloop/core/tools';
import { z } from 'zod';
import * as z3 from 'zod/v3';

/** What one run of the suite saw, as JSON. */
export type PortableSuiteReport = {
  runtime: { userAgent: string; bun: boolean; deno: boolean; process: boolean };
  unary: { text: string; toolOutputs: unknown[]; finishReason: string };
  streamed: { text: string; deltas: number; eventTypes: string[]; resultText: string };
  parallel: { text: string; calls: string[]; toolOutputs: unknown[] };
  structured: { output: unknown };
  /**
   * A JSON Schema tool (validated by @cfworker/json-schema), a zod 3 tool (converted by
   * zod-to-json-schema) and a tool sent in the OpenAPI subset (`schemaFormat: 'openapi'`, converted
   * by toOpenApiSchema): off Node the three load with import() (preloadToolSchemas).
   */
  schemas: {
    jsonSchema: { toolOutputs: unknown[]; emptyCityIssues: unknown };
    zodV3: { toolOutputs: unknown[]; declared: unknown };
    openApi: { toolOutputs: unknown[]; declared: unknown };
  };
  /** A 400 from the API: the run's error and the client's description of it. */
  apiError: { name: string; causeName: unknown; status: unknown; message: unknown };
  aborted: { name: string; phase: unknown; causeName: unknown };
  timedOut: { name: string; causeIsTimeoutError: boolean };
  /**
   * A fetch that fails with bytes in its error's cause (no key in them): the bytes the run's error
   * carries, as text (attack25: where no `Buffer` global is, the secret redaction replaced every
   * binary value with `[redacted]`).
   */
  bytesInCause: { kept: unknown };
};

/** The model name the fake answers for; any name works, this one reads as real. */
export const SUITE_MODEL = 'gemini-2.5-flash';

/** Runs the whole suite against the fake at `baseUrl`. Never throws for an expected failure. */
export async function runPortableSuite(baseUrl: string): Promise<PortableSuiteReport> {
  const gemini = createGemini({ baseUrl, apiKey: 'test-key', retry: false });
  const getWeather = defineTool({
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, temperatureC: city === 'Oslo' ? 7 : 9 }),
  });
  const agent = createAgent({ gemini, model: SUITE_MODEL, tools: [getWeather] });
  const outputsOf = (result: { steps: { toolCalls: { output?: unknown }[] }[] }): unknown[] =>
    result.steps.flatMap((step) => step.toolCalls.map((call) => call.output));

  const unary = await agent.run('unary');

  const stream = agent.stream('streamed');
  let streamedText = '';
  let deltas = 0;
  const eventTypes = new Set<string>();
  for await (const event of stream) {
    eventTypes.add(event.type);
    if (event.type === 'text-delta') {
      streamedText += event.text;
      deltas += 1;
    }
  }
  const streamed = await stream.result;

  const parallel = await agent.run('parallel');

  const structured = await createAgent({
    gemini,
    model: SUITE_MODEL,
    output: z.object({ city: z.string(), temperatureC: z.number() }),
  }).run('structured');

  const schemas = await runSchemaLibraries(gemini, outputsOf);

  const apiError = await agent.run('api error').then(
    () => ({ name: 'resolved', causeName: undefined, status: undefined, message: undefined }),
    (error: Error) => {
      const cause = error.cause as (Error & { status?: unknown }) | undefined;
      return {
        name: error.name,
        causeName: cause?.name,
        status: cause?.status,
        message: cause?.message,
      };
    },
  );

  // The fake holds 'hold' requests until the suite ends: only the abort or the time limit ends them.
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const aborted = await agent.run('hold: abort', { signal: controller.signal }).then(
    () => ({ name: 'resolved', phase: undefined, causeName: undefined }),
    (error: Error & { phase?: unknown }) => ({
      name: error.name,
      phase: error.phase,
      causeName: (error.cause as Error | undefined)?.name,
    }),
  );

  const limited = createAgent({
    gemini: createGemini({ baseUrl, apiKey: 'test-key', retry: false, timeoutMs: 100 }),
    model: SUITE_MODEL,
  });
  const timedOut = await limited.run('hold: time limit').then(
    () => ({ name: 'resolved', causeIsTimeoutError: false }),
    (error: Error) => ({
      name: error.name,
      causeIsTimeoutError: TimeoutError.isInstance(error.cause),
    }),
  );

  const bytesInCause = await bytesInFetchError(baseUrl);

  const runtimeGlobals = globalThis as { Bun?: unknown; Deno?: unknown; process?: unknown };
  return {
    runtime: {
      userAgent: typeof navigator === 'undefined' ? 'none' : navigator.userAgent,
      bun: runtimeGlobals.Bun !== undefined,
      deno: runtimeGlobals.Deno !== undefined,
      process: runtimeGlobals.process !== undefined,
    },
    unary: { text: unary.text, toolOutputs: outputsOf(unary), finishReason: unary.finishReason },
    streamed: {
      text: streamedText,
      deltas,
      eventTypes: [...eventTypes],
      resultText: streamed.text,
    },
    parallel: {
      text: parallel.text,
      calls: parallel.steps.flatMap((step) =>
        step.toolCalls.map((call) => `${call.toolName}(${JSON.stringify(call.args)})`),
      ),
      toolOutputs: outputsOf(parallel),
    },
    structured: { output: structured.output },
    schemas,
    apiError,
    aborted,
    timedOut,
    bytesInCause,
  };
}

/** A run whose fetch fails with bytes in the error's cause: the bytes, read back from the error. */
async function bytesInFetchError(baseUrl: string): Promise<PortableSuiteReport['bytesInCause']> {
  const fetch = async (): Promise<Response> => {
    throw new TypeError('fetch failed', { cause: { body: new TextEncoder().encode('no key') } });
  };
  const agent = createAgent({
    gemini: createGemini({ baseUrl, apiKey: 'test-key', retry: false, fetch }),
    model: SUITE_MODEL,
  });
  const error = await agent.run('bytes').catch((thrown: unknown) => thrown);
  let cause: unknown = error;
  while (cause instanceof Error) cause = cause.cause;
  const body = (cause as { body?: unknown } | undefined)?.body;
  return { kept: body instanceof Uint8Array ? new TextDecoder().decode(body) : body };
}

/**
 * The weather tool as a JSON Schema tool and as a zod 3 tool, each run by an agent. The JSON
 * Schema's `minLength` takes it past the check in code for flat schemas, so the validator decides;
 * the agent's run waits for it by itself. The zod 3 tool's declaration needs the converter, and the
 * OpenAPI tool's its own, which off Node are awaited before `createAgent` reads them.
 */
async function runSchemaLibraries(
  gemini: ReturnType<typeof createGemini>,
  outputsOf: (result: { steps: { toolCalls: { output?: unknown }[] }[] }) => unknown[],
): Promise<PortableSuiteReport['schemas']> {
  const execute = async ({ city }: { city: string }) => ({
    city,
    temperatureC: city === 'Oslo' ? 7 : 9,
  });
  const jsonWeather = defineTool({
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string', minLength: 1 } },
      required: ['city'],
    },
    execute: ({ city }) => execute({ city: String(city) }),
  });
  const jsonRun = await createAgent({ gemini, model: SUITE_MODEL, tools: [jsonWeather] }).run(
    'unary',
  );
  const emptyCity = jsonWeather.parseArgs({ city: '' });

  const zodV3Weather = defineTool({
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: z3.object({ city: z3.string() }),
    execute,
  });
  await preloadToolSchemas([zodV3Weather]);
  const zodV3Run = await createAgent({ gemini, model: SUITE_MODEL, tools: [zodV3Weather] }).run(
    'unary',
  );
  const openApiWeather = defineTool({
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: z.object({ city: z.string() }),
    schemaFormat: 'openapi',
    execute,
  });
  await preloadToolSchemas([openApiWeather]);
  const openApiRun = await createAgent({
    gemini,
    model: SUITE_MODEL,
    tools: [openApiWeather],
  }).run('unary');
  return {
    openApi: {
      toolOutputs: outputsOf(openApiRun),
      declared: openApiWeather.declaration.parameters,
    },
    jsonSchema: {
      toolOutputs: outputsOf(jsonRun),
      emptyCityIssues: emptyCity.success ? [] : emptyCity.issues,
    },
    zodV3: {
      toolOutputs: outputsOf(zodV3Run),
      declared: zodV3Weather.declaration.parametersJsonSchema,
    },
  };
}
