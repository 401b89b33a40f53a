import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
import { guardrails } from '../guardrails/index.ts';
import { createGemini } from '../http/create-gemini.ts';
import { type AgentPlugin, definePlugin } from '../plugins/index.ts';
import { defineTool } from '../tools/define/define-tool.ts';

// Issue 53: a plugin's trip, ask and rewrite in the OpenTelemetry spans (the SDK's in-memory
// exporter, the fake Gemini on 127.0.0.1). A trip fails the run span as a built-in guardrail's
// does (error.type, an error status naming the guardrail, its name and phase as attributes), the
// tripped call's span says why it did not run, and the API key a reason quoted never reaches a span.

const KEY = 'secret-test-key-0123456789';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: KEY, retry: false });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { gemini, exporter, telemetry: { tracerProvider, conventions: 'latest' as const } };
}

function one(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  expect(found, name).toHaveLength(1);
  return found[0] as ReadableSpan;
}

const paid: number[] = [];
const pay = defineTool({
  name: 'pay',
  description: 'Pays an amount.',
  parameters: z.object({ amount: z.number() }),
  execute: ({ amount }) => {
    paid.push(amount);
    return { paid: amount };
  },
});

/** Trips on a payment over 100 (quoting the key, as a careless reason might) and on "secret". */
const policy: AgentPlugin = definePlugin({
  name: 'policy',
  checkToolCall(call, run) {
    const { amount } = call.input as { amount: number };
    if (amount > 100)
      run.trip({ guardrailName: 'limit', phase: 'tool-input', reason: `${amount} > 100 (${KEY})` });
    if (amount > 50) return { type: 'ask' };
    return undefined;
  },
  checkAnswer(answer, run) {
    if (answer.text.includes('secret'))
      run.trip({ guardrailName: 'no-secrets', phase: 'output', reason: 'shows a secret' });
    return /\d/.test(answer.text) ? { text: answer.text.replace(/\d/g, '#') } : undefined;
  },
});

type Mode = 'run' | 'stream';

async function go(agent: ReturnType<typeof createAgent>, mode: Mode): Promise<unknown> {
  try {
    if (mode === 'run') await agent.run('go');
    else {
      const stream = agent.stream('go');
      for await (const _event of stream) {
        // drained
      }
      await stream.result;
    }
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('a plugin trip in the OpenTelemetry spans', () => {
  it.each(['run', 'stream'] as const)(
    'a tool-input trip: the run span fails with the guardrail named, the call span says why; no key (%s)',
    async (mode) => {
      paid.length = 0;
      const { gemini, exporter, telemetry } = await setup([
        turn.call('pay', { amount: 500 }),
        turn.text('never'),
      ]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [pay],
        plugins: [policy],
        telemetry,
      });
      const error = await go(agent, mode);
      expect(GuardrailTrippedError.isInstance(error)).toBe(true);
      expect(paid).toEqual([]);
      const spans = exporter.getFinishedSpans();
      const run = one(spans, 'invoke_agent');
      expect(run.status.code).toBe(SpanStatusCode.ERROR);
      expect(run.attributes['error.type']).toBe('GuardrailTrippedError');
      expect(run.status.message).toContain('The tool-input guardrail "limit" stopped the run');
      expect(run.attributes['gemloop.guardrail.name']).toBe('limit');
      expect(run.attributes['gemloop.guardrail.phase']).toBe('tool-input');
      const call = one(spans, 'execute_tool pay');
      expect(call.status.code).toBe(SpanStatusCode.ERROR);
      // As for a built-in tool guardrail's throw: the call never ran, stopped by the trip (its own
      // low-cardinality error.type, not the run's abort: OTel's execute_tool span asks for one).
      expect(call.attributes['error.type']).toBe('guardrail-tripped');
      expect(call.status.message).toBe('pay was stopped by a guardrail (limit); the run ended.');
      expect(call.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
      // The model call itself succeeded: only the run and the tripped call failed.
      expect(one(spans, 'generate_content gemini-2.5-flash').status.code).not.toBe(
        SpanStatusCode.ERROR,
      );
      expect(
        JSON.stringify(spans.map((span) => [span.attributes, span.status, span.events])),
      ).not.toContain(KEY);
    },
  );

  it.each(['run', 'stream'] as const)(
    'an output trip: the run span fails with phase output after a model call that succeeded (%s)',
    async (mode) => {
      const { gemini, exporter, telemetry } = await setup([turn.text('the secret is 42')]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        plugins: [policy],
        telemetry,
      });
      const error = await go(agent, mode);
      expect((error as GuardrailTrippedError).phase).toBe('output');
      const spans = exporter.getFinishedSpans();
      const run = one(spans, 'invoke_agent');
      expect(run.status.code).toBe(SpanStatusCode.ERROR);
      expect(run.attributes['error.type']).toBe('GuardrailTrippedError');
      expect(run.attributes['gemloop.guardrail.name']).toBe('no-secrets');
      expect(run.attributes['gemloop.guardrail.phase']).toBe('output');
      expect(one(spans, 'generate_content gemini-2.5-flash').status.code).not.toBe(
        SpanStatusCode.ERROR,
      );
    },
  );

  it.each(['run', 'stream'] as const)(
    "a built-in tool guardrail's throw: the call span and the result say guardrail-tripped, not aborted (%s)",
    async (mode) => {
      paid.length = 0;
      const { gemini, exporter, telemetry } = await setup([
        turn.call('pay', { amount: 500 }),
        turn.text('never'),
      ]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [pay],
        guardrails: guardrails({
          tools: [{ name: 'limit', before: () => ({ type: 'throw', reason: 'over 100' }) }],
        }),
        telemetry,
      });
      const error = await go(agent, mode);
      expect(GuardrailTrippedError.isInstance(error)).toBe(true);
      expect(paid).toEqual([]);
      const call = one(exporter.getFinishedSpans(), 'execute_tool pay');
      expect(call.status.code).toBe(SpanStatusCode.ERROR);
      expect(call.attributes['error.type']).toBe('guardrail-tripped');
      const [answered] = (error as GuardrailTrippedError).run.steps.flatMap(
        (step) => step.toolCalls,
      );
      expect(answered).toMatchObject({ toolName: 'pay', outcome: 'guardrail-tripped' });
    },
  );

  it('an ask nobody approved: the call span is denied, the run span is not an error', async () => {
    paid.length = 0;
    const { gemini, exporter, telemetry } = await setup([
      turn.call('pay', { amount: 70 }),
      turn.text('Not paid.'),
    ]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [pay],
      plugins: [policy],
      telemetry,
    });
    await agent.run('go');
    expect(paid).toEqual([]);
    const spans = exporter.getFinishedSpans();
    const call = one(spans, 'execute_tool pay');
    expect(call.attributes['error.type']).toBe('denied');
    const run = one(spans, 'invoke_agent');
    expect(run.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(run.attributes['gemloop.guardrail.name']).toBeUndefined();
  });
});
