import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createFakeGemini, type FakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { modelFallback } from '../../fallback/model-fallback.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import { createAgent } from '../create-agent.ts';
import { AgentAbortedError } from '../errors/agent-aborted-error.ts';
import { ModelCallError } from '../errors/model-call-error.ts';

// What snake44 and leftovers52 left of a gateway answering in the proto field names
// (`usage_metadata`, `finish_reason`, `continuation_token`, ...): the loop read a step's answer
// as camelCase, but (1) a traced call priced and reported the response before that renaming (its
// span had no usage and no cost), (2) a stream cut after snake_case chunks counted no partial
// usage (the folds read `usageMetadata` per chunk), and (3) a long-decode answer was never
// continued (the continuation plugin read `finishReason`/`continuationToken`): the step ended on
// its first hop. Real sockets, each transport.

const TRANSPORTS = ['fetch', 'node'] as const;
const MODEL = 'gemini-2.5-flash';

const servers: Server[] = [];
const fakes: FakeGemini[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function traced() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const span = (prefix: string) => {
    const found = exporter.getFinishedSpans().find((each) => each.name.startsWith(prefix));
    return {
      input: found?.attributes['gen_ai.usage.input_tokens'],
      output: found?.attributes['gen_ai.usage.output_tokens'],
      cost: found?.attributes['gemloop.cost.usd'],
    };
  };
  return { tracerProvider, span };
}

/** A snake_case answer: one body, or streamed in two chunks, the finish and usage last. */
function snakeAnswer(streamed: boolean): FakeTurn {
  const chunk = (text: string, last: boolean) =>
    ({
      candidates: [
        {
          content: { role: 'model', parts: [{ text }] },
          ...(last ? { finish_reason: 'STOP' } : {}),
          index: 0,
        },
      ],
      ...(last
        ? {
            usage_metadata: {
              prompt_token_count: 12,
              candidates_token_count: 20,
              total_token_count: 32,
            },
          }
        : {}),
    }) as GenerateContentResponse;
  return turn.raw(streamed ? [chunk('Hel', false), chunk('lo.', true)] : chunk('Hello.', true));
}

// 12 x $0.30/M + 20 x $2.50/M (gemini-2.5-flash).
const COST = 0.0000536;

describe.each(TRANSPORTS)('a traced call answered in snake_case (transport: %s)', (transport) => {
  it.each([false, true])(
    'its span carries the usage and the cost (streamed: %s)',
    async (streamed) => {
      const fake = createFakeGemini({ script: [snakeAnswer(streamed)] });
      fakes.push(fake);
      const { url } = await fake.listen();
      const { tracerProvider, span } = traced();
      const agent = createAgent({
        gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false, transport }),
        model: MODEL,
        telemetry: { tracerProvider },
      });
      const result = streamed ? await agent.stream('Hi').result : await agent.run('Hi');
      expect(result.text).toBe('Hello.');
      expect(result.usage).toMatchObject({ promptTokenCount: 12, candidatesTokenCount: 20 });
      // Before: the model call's span had none of these (the run's span had them from the step).
      expect(span('generate_content')).toEqual({ input: 12, output: 20, cost: COST });
      expect(span('invoke_agent')).toEqual({ input: 12, output: 20, cost: COST });
    },
  );
});

/** Five snake_case chunks with cumulative usage, then a reset or a hang. */
async function serveFiveSnakeChunks(ending: 'hang' | 'reset'): Promise<string> {
  const server = createServer((incoming, out) => {
    incoming.resume();
    incoming.on('end', () => {
      out.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let chunk = 1; chunk <= 5; chunk++) {
        const body = {
          candidates: [{ content: { role: 'model', parts: [{ text: `part ${chunk} ` }] } }],
          usage_metadata: {
            prompt_token_count: 12,
            candidates_token_count: chunk * 4,
            total_token_count: 12 + chunk * 4,
          },
        };
        out.write(`data: ${JSON.stringify(body)}\r\n\r\n`);
      }
      if (ending === 'reset') setTimeout(() => out.socket?.resetAndDestroy(), 20);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const LAST = { promptTokenCount: 12, candidatesTokenCount: 20, totalTokenCount: 32 };

describe.each(TRANSPORTS)('a stream of snake_case chunks, cut (transport: %s)', (transport) => {
  it.each([
    [true, false],
    [true, true],
    [false, false],
    [false, true],
  ])(
    'the partial usage counts: error, run, spans (continuation: %s, traced: %s)',
    async (continuation, withTelemetry) => {
      const baseUrl = await serveFiveSnakeChunks('reset');
      const { tracerProvider, span } = traced();
      const agent = createAgent({
        gemini: createGemini({ apiKey: 'test-key-0123456789', baseUrl, retry: false, transport }),
        model: MODEL,
        ...(continuation ? {} : { continuation: false }),
        ...(withTelemetry ? { telemetry: { tracerProvider } } : {}),
      });
      const error = await agent.stream('Tell a story').result.catch((caught: unknown) => caught);
      expect(ModelCallError.isInstance(error)).toBe(true);
      const failed = error as ModelCallError;
      // Before: no partialUsage, the run's usage 0.
      expect(failed.partialUsage).toEqual({ ...LAST, partial: true });
      expect(failed.run.usage).toMatchObject(LAST);
      expect(Number(failed.run.cost.total)).toBe(COST);
      if (withTelemetry) {
        expect(span('generate_content')).toEqual({ input: 12, output: 20, cost: COST });
        expect(span('invoke_agent')).toMatchObject({ input: 12, output: 20 });
      }
    },
  );

  it('aborted by the caller after five chunks: the partial usage counts', async () => {
    const baseUrl = await serveFiveSnakeChunks('hang');
    const agent = createAgent({
      gemini: createGemini({ apiKey: 'test-key-0123456789', baseUrl, retry: false, transport }),
      model: MODEL,
    });
    const controller = new AbortController();
    const stream = agent.stream('Tell a story', { signal: controller.signal });
    let deltas = 0;
    const error = await (async () => {
      for await (const event of stream) {
        if (event.type === 'text-delta' && ++deltas === 5) controller.abort(new Error('stop'));
      }
    })().catch((caught: unknown) => caught);
    await stream.result.catch(() => undefined);
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect((error as AgentAbortedError).run.usage).toMatchObject(LAST);
    expect((error as AgentAbortedError).partialUsage).toEqual({ ...LAST, partial: true });
  });
});

/** The fake as a gateway that translates proto JSON: every model answer in the proto field names. */
async function behindGateway(
  script: FakeTurn[],
  transport: (typeof TRANSPORTS)[number],
  options: Parameters<typeof createFakeGemini>[0] = {},
) {
  const fake = createFakeGemini({
    script,
    strictHistory: true,
    chunkSize: 8,
    gatewayMistakes: ['snake-case'],
    ...options,
  });
  fakes.push(fake);
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false, transport });
  return { fake, gemini };
}

const STORY = 'Once upon a time, a fake model answered in three hops.';
const story = (checkpoints?: boolean) =>
  turn.continued(
    [
      turn.text('Once upon a time, ', { thoughts: 'Plan the story.' }),
      turn.text('a fake model '),
      turn.text('answered in three hops.'),
    ],
    { checkpoints },
  );

describe.each(TRANSPORTS)(
  'a long-decode answer through a snake_case gateway (transport: %s)',
  (transport) => {
    it.each([
      ['unary', false],
      ['streamed', false],
      ['streamed with checkpoints', true],
    ] as const)('%s: every hop is continued, read as camelCase', async (how, checkpoints) => {
      const { fake, gemini } = await behindGateway(
        [story(checkpoints), turn.text('The end.')],
        transport,
      );
      const agent = createAgent({ gemini, model: 'gemini-3-flash-preview' });
      const events: string[] = [];
      let result: Awaited<ReturnType<typeof agent.run>>;
      if (how === 'unary') result = await agent.run('Tell me.');
      else {
        const stream = agent.stream('Tell me.');
        for await (const event of stream) {
          if (event.type === 'text-delta') events.push(event.text);
        }
        result = await stream.result;
      }
      // Before: the step ended on the first hop ('Once upon a time, '), `CONTINUATION` its reason.
      expect(result.text).toBe(STORY);
      expect(result.finishReason).toBe('stop');
      const requests = fake.modelRequests.map((request) => request.body as Record<string, unknown>);
      expect(requests).toHaveLength(3);
      // Each hop's token read from the gateway's `continuation_token` and sent back: the fake
      // refuses a token it never issued.
      expect(requests[1]?.['continuationToken']).toMatch(/^fake-ct-/);
      expect(requests[2]?.['continuationToken']).toMatch(/^fake-ct-/);
      const report = result.steps[0]?.continuation;
      expect(report?.hops.map((hop) => hop.finishReason)).toEqual([
        'CONTINUATION',
        'CONTINUATION',
        'STOP',
      ]);
      const summed = report?.hops.reduce(
        (total, hop) => total + (hop.usage?.totalTokenCount ?? 0),
        0,
      );
      expect(summed).toBeGreaterThan(0);
      expect(result.usage.totalTokenCount).toBe(summed);
      // One model turn, each hop's signature on its part, accepted by the strict fake next time.
      const parts = result.newContents[1]?.parts ?? [];
      expect(parts.filter((part) => part.thoughtSignature !== undefined)).toHaveLength(3);
      if (how !== 'unary') expect(events.join('')).toBe(STORY);
      const next = await agent.run('And then?', { history: result.contents });
      expect(next.text).toBe('The end.');
    });
  },
);

describe.each(TRANSPORTS)(
  "model fallback's second model behind a snake_case gateway (transport: %s)",
  (transport) => {
    it.each([false, true])(
      'the step it answers is read as camelCase (streamed: %s)',
      async (streamed) => {
        const { fake, gemini } = await behindGateway(
          [turn.call('lookup', { word_list: ['a'] }), turn.text('Found it.')],
          transport,
          {
            faults: [
              {
                fault: { type: 'overloaded' },
                on: ({ model }) => model === 'gemini-3-flash-preview',
              },
            ],
          },
        );
        const seen: unknown[] = [];
        const agent = createAgent({
          gemini,
          model: 'gemini-3-flash-preview',
          tools: [
            defineTool({
              name: 'lookup',
              description: 'Looks words up.',
              parameters: z.object({ word_list: z.array(z.string()) }),
              execute: (args) => {
                seen.push(args);
                return { found: true };
              },
            }),
          ],
          plugins: [modelFallback({ models: ['gemini-3-pro-preview'] })],
        });
        const result = streamed
          ? await agent.stream('Look up a.').result
          : await agent.run('Look up a.');
        expect(result.text).toBe('Found it.');
        // The call was read from `function_call`, its args' keys kept as the tool's data.
        expect(seen).toEqual([{ word_list: ['a'] }]);
        expect(result.steps.map((step) => [step.model, step.finishReason])).toEqual([
          ['gemini-3-pro-preview', 'STOP'],
          ['gemini-3-pro-preview', 'STOP'],
        ]);
        expect(result.usage.totalTokenCount).toBeGreaterThan(0);
        expect(fake.modelRequests.map((request) => request.model)).toEqual([
          'gemini-3-flash-preview',
          'gemini-3-pro-preview',
          'gemini-3-pro-preview',
        ]);
      },
    );
  },
);
