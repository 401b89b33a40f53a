import { createFakeGemini, type FakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createGemini } from '../../http/create-gemini.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import { createAgent } from '../create-agent.ts';

// What snake44 and leftovers52 left of a gateway answering in the proto field names
// (`usage_metadata`, `finish_reason`, `continuation_token`, ...): the loop read a step's answer
// as camelCase, but (1) a traced call priced and reported the response before that renaming (its
// span had no usage and no cost), (2) a stream cut after snake_case chunks counted no partial
// usage (the folds read `usageMetadata` per chunk), and (3) a long-decode answer was never
// continued (the continuation plugin read `finishReason`/`continuationToken`): the step ended on
// its first hop. Real sockets, each transport.

const TRANSPORTS = ['fetch', 'node'] as const;
const MODEL = 'gemini-2.5-flash';

const fakes: FakeGemini[] = [];
afterEach(async () => {
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
