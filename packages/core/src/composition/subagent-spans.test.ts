import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { handoff } from './handoff.ts';
import { subagent } from './subagent.ts';

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
});
afterAll(() => {
  context.disable();
});

function only(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  expect(found, name).toHaveLength(1);
  return found[0] as ReadableSpan;
}

describe('subagent spans', () => {
  it.each([false, true])(
    "nests the child's invoke_agent under the execute_tool span of the call that started it (streamed: %s)",
    async (streamed) => {
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const telemetry = { tracerProvider };
      const child = createAgent({
        gemini: createScriptedGemini([textTurn('Paris.')]),
        model: 'gemini-2.5-flash',
        name: 'searcher',
        telemetry,
      });
      const parent = createAgent({
        gemini: createScriptedGemini([
          callsTurn(['search', { task: 'Capital of France?' }, 'c1']),
          textTurn('Paris.'),
        ]),
        model: 'gemini-2.5-flash',
        name: 'lead',
        tools: [subagent(child, { name: 'search', description: 'Searches.' })],
        telemetry,
      });
      if (streamed) await parent.stream('Capital?').result;
      else await parent.run('Capital?');
      const spans = exporter.getFinishedSpans();
      const top = only(spans, 'invoke_agent lead');
      const call = only(spans, 'execute_tool search');
      const nested = only(spans, 'invoke_agent searcher');
      expect(call.parentSpanContext?.spanId).toBe(top.spanContext().spanId);
      expect(nested.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
      expect(nested.spanContext().traceId).toBe(top.spanContext().traceId);
    },
  );

  it('makes a handoff a span of its own under the run span', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const telemetry = { tracerProvider };
    const billing = createAgent({
      gemini: createScriptedGemini([textTurn('Refunded.')]),
      model: 'gemini-2.5-flash',
      name: 'billing',
      telemetry,
    });
    const triage = createAgent({
      gemini: createScriptedGemini([callsTurn(['transfer_to_billing', {}, 't1'])]),
      model: 'gemini-2.5-flash',
      name: 'triage',
      tools: [handoff(billing)],
      telemetry,
    });
    await triage.run('Refund please.');
    const spans = exporter.getFinishedSpans();
    const run = only(spans, 'invoke_agent triage');
    const span = only(spans, 'handoff billing');
    expect(span.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    expect(span.attributes).toMatchObject({
      'gen_ai.agent.name': 'billing',
      'gemloop.handoff.from': 'triage',
      // No `filter` option: the default one (drops the tool exchanges of the agent handing over).
      'gemloop.handoff.filter': 'default',
    });
    // The receiving agent's model call is a step of the same run.
    const calls = spans.filter((candidate) => candidate.name.startsWith('generate_content'));
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(call.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
  });

  it("puts the abort's reason on the invoke_agent span of every run of the tree it stopped", async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const telemetry = { tracerProvider };
    const controller = new AbortController();
    const hanging = createScriptedGemini([{ hang: true }]);
    const child = createAgent({
      gemini: {
        ...hanging,
        generateContent: (request, options) => {
          // The child's model call is under way: the top run's caller stops it.
          queueMicrotask(() => controller.abort('tab closed'));
          return hanging.generateContent(request, options);
        },
      },
      model: 'gemini-2.5-flash',
      name: 'searcher',
      telemetry,
    });
    const parent = createAgent({
      gemini: createScriptedGemini([callsTurn(['search', { task: 'Go' }, 'c1'])]),
      model: 'gemini-2.5-flash',
      name: 'lead',
      tools: [subagent(child, { name: 'search', description: 'Searches.' })],
      telemetry,
    });
    await expect(parent.run('Go', { signal: controller.signal })).rejects.toThrow();
    const spans = exporter.getFinishedSpans();
    const top = only(spans, 'invoke_agent lead');
    const nested = only(spans, 'invoke_agent searcher');
    expect(top.attributes['error.type']).toBe('AgentAbortedError');
    expect(top.attributes['gemloop.abort.reason']).toBe('tab closed');
    expect(nested.attributes['gemloop.abort.reason']).toBe('tab closed');
  });
});
