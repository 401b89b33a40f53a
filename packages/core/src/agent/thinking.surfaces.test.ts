import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { GenerateContentBody } from '../wire/request.ts';
import { createAgent } from './create-agent.ts';

// Issue 53 (letters45): the `thinking` option in a chat session's send and sendStream, mapped per
// model generation (a level on Gemini 3, a budget on 2.5), its thoughts kept in the stored turn;
// and in the OpenTelemetry spans (the reasoning tokens, the thoughts as `reasoning` parts when
// content is recorded). The README's row named S R.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const THOUGHT = 'The user greets; answer briefly.';

function serve() {
  const fake = createFakeGemini({ script: [turn.text('Hello!', { thoughts: THOUGHT })] });
  fakes.push(fake);
  return { fake, gemini: createGemini({ fetch: fake.fetch, apiKey: 'test-key', retry: false }) };
}

describe('thinking in a chat session', () => {
  it.each([
    ['send', 'gemini-3-flash-preview', { thinkingLevel: 'LOW', includeThoughts: true }],
    ['sendStream', 'gemini-3-flash-preview', { thinkingLevel: 'LOW', includeThoughts: true }],
    ['send', 'gemini-2.5-flash', { thinkingBudget: 1024, includeThoughts: true }],
    ['sendStream', 'gemini-2.5-flash', { thinkingBudget: 1024, includeThoughts: true }],
  ] as const)(
    '%s on %s sends %j; the stored turn keeps the thoughts',
    async (mode, model, sent) => {
      const { fake, gemini } = serve();
      const session = createChatSession({
        agent: createAgent({
          gemini,
          model,
          thinking: { effort: 'low', includeThoughts: true },
          telemetry: false,
        }),
      });
      if (mode === 'send') await session.send('Hi');
      else {
        const stream = session.sendStream('Hi');
        const thoughts: string[] = [];
        for await (const event of stream)
          if (event.type === 'thought-delta') thoughts.push(event.text);
        expect(thoughts.join('')).toBe(THOUGHT);
        await stream.result;
      }
      const body = fake.modelRequests[0]?.body as GenerateContentBody;
      expect(body.generationConfig?.thinkingConfig).toEqual(sent);
      const [, answer] = await session.history();
      expect(answer?.parts.find((part) => part.thought === true)?.text).toBe(THOUGHT);
      await session.close();
    },
  );
});

describe('thinking in the spans', () => {
  it.each([false, true])(
    'the model call span counts reasoning tokens and carries the thoughts as reasoning (streaming %s)',
    async (streaming) => {
      const { gemini } = serve();
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const agent = createAgent({
        gemini,
        model: 'gemini-3-flash-preview',
        thinking: { effort: 'low', includeThoughts: true },
        telemetry: { tracerProvider, conventions: 'latest', recordContent: true },
      });
      const result = streaming ? await agent.stream('Hi').result : await agent.run('Hi');
      const thoughtsTokens = result.usage.thoughtsTokenCount;
      expect(thoughtsTokens).toBeGreaterThan(0);
      const call = exporter
        .getFinishedSpans()
        .find((span) => span.name === 'generate_content gemini-3-flash-preview');
      expect(call?.attributes['gen_ai.usage.reasoning.output_tokens']).toBe(thoughtsTokens);
      const output = JSON.parse(String(call?.attributes['gen_ai.output.messages'])) as {
        parts: { type: string; content?: string }[];
      }[];
      expect(output[0]?.parts).toContainEqual({ type: 'reasoning', content: THOUGHT });
    },
  );
});
