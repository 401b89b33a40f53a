// The eval run seen from outside: its events (onEvent) in order, and its OpenTelemetry spans
// (a suite span, one per case, the agent's run spans under their case) in the SDK's in-memory
// exporter, with a context manager as the Node SDK registers one.

import { createAgent } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordWeatherRun, weatherAgent } from './__fixtures__/weather-agent.ts';
import { caseFromRunFile } from './cases-from-run.ts';
import type { EvalCase } from './eval-case.ts';
import type { EvalEvent } from './eval-event.ts';
import { runEval } from './run-eval.ts';
import { exactMatch } from './scorers/text-scorers.ts';
import { toolTrajectory } from './scorers/tool-scorers.ts';

let recorded: Awaited<ReturnType<typeof recordWeatherRun>>;
let paris: EvalCase;
/** Recorded turns with no answer left for the second call: it errors. */
let broken: EvalCase;
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  recorded = await recordWeatherRun();
  const made = caseFromRunFile(recorded.text, recorded.file);
  if (made === undefined) throw new Error('the recorded run made no case');
  paris = { ...made, id: 'paris' };
  broken = { id: 'broken', input: 'Weather in Paris?' };
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
});
afterAll(async () => {
  context.disable();
  await recorded.cleanup();
});

const scorers = [exactMatch(), toolTrajectory({ match: 'exact' })];

describe('runEval events', () => {
  it('reports suite-start, each case start and end with its scores, and suite-end with the result', async () => {
    const events: EvalEvent[] = [];
    const result = await runEval({
      name: 'weather',
      cases: [paris, broken],
      scorers,
      concurrency: 1,
      createAgent: (agentContext) => weatherAgent(agentContext.gemini, {}, agentContext),
      onEvent: (event) => events.push(event),
    });
    expect(events.map((event) => event.type)).toEqual([
      'suite-start',
      'case-start',
      'case-end',
      'case-start',
      'case-end',
      'suite-end',
    ]);
    expect(events[0]).toEqual({
      type: 'suite-start',
      name: 'weather',
      mode: 'replay',
      cases: 2,
      attempts: 2,
    });
    expect(events[1]).toEqual({
      type: 'case-start',
      caseId: 'paris',
      repeat: 0,
      index: 0,
      total: 2,
    });
    const firstEnd = events[2] as Extract<EvalEvent, { type: 'case-end' }>;
    expect(firstEnd).toMatchObject({ index: 0, done: 1, total: 2 });
    expect(firstEnd.attempt.status).toBe('pass');
    expect(firstEnd.attempt.scores.map((score) => [score.scorer, score.pass])).toEqual([
      ['exact', true],
      ['tool-trajectory(exact)', true],
    ]);
    const secondEnd = events[4] as Extract<EvalEvent, { type: 'case-end' }>;
    expect(secondEnd.attempt).toMatchObject({ caseId: 'broken', status: 'error' });
    expect(events[5]).toEqual({ type: 'suite-end', result });
  });
});

describe('runEval spans', () => {
  it('makes a gemloop.eval span, one span per case under it, and the agent run spans under their case', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const result = await runEval({
      name: 'weather',
      cases: [paris, broken],
      scorers,
      concurrency: 2,
      telemetry: { tracerProvider },
      createAgent: (agentContext) =>
        weatherAgent(agentContext.gemini, { telemetry: { tracerProvider } }, agentContext),
    });
    expect(result.attempts.map((attempt) => attempt.status)).toEqual(['pass', 'error']);
    const spans = exporter.getFinishedSpans();
    const named = (name: string): ReadableSpan[] => spans.filter((span) => span.name === name);
    const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
    const [suite] = named('gemloop.eval');
    expect(named('gemloop.eval')).toHaveLength(1);
    expect(parentOf(suite as ReadableSpan)).toBeUndefined();
    expect(suite?.attributes).toMatchObject({
      'gemloop.eval.name': 'weather',
      'gemloop.eval.mode': 'replay',
      'gemloop.eval.cases': 2,
      'gemloop.eval.attempts': 2,
      'gemloop.eval.passed': 1,
      'gemloop.eval.errored': 1,
      'gemloop.eval.pass_rate': 0.5,
    });
    const cases = named('gemloop.eval.case');
    expect(cases.map((span) => parentOf(span))).toEqual([
      suite?.spanContext().spanId,
      suite?.spanContext().spanId,
    ]);
    const caseSpan = (id: string): ReadableSpan => {
      const found = cases.find((span) => span.attributes['gemloop.eval.case.id'] === id);
      if (found === undefined) throw new Error(`no span for case ${id}`);
      return found;
    };
    expect(caseSpan('paris').attributes).toMatchObject({
      'gemloop.eval.case.status': 'pass',
      'gemloop.eval.case.scores': 2,
      'gemloop.eval.case.scores_passed': 2,
    });
    expect(caseSpan('paris').events.map((event) => [event.name, event.attributes])).toEqual([
      [
        'gemloop.eval.score',
        expect.objectContaining({
          'gemloop.eval.scorer': 'exact',
          'gemloop.eval.score.pass': true,
        }),
      ],
      [
        'gemloop.eval.score',
        expect.objectContaining({
          'gemloop.eval.scorer': 'tool-trajectory(exact)',
          'gemloop.eval.score': 1,
        }),
      ],
    ]);
    expect(caseSpan('broken').attributes).toMatchObject({ 'gemloop.eval.case.status': 'error' });
    expect(caseSpan('broken').status.code).toBe(2);
    // The agent's run span (core's telemetry) sits under the case that ran it.
    const runs = spans.filter((span) => span.name.startsWith('invoke_agent'));
    expect(runs).toHaveLength(1);
    expect(parentOf(runs[0] as ReadableSpan)).toBe(caseSpan('paris').spanContext().spanId);
  });
});

describe('runEval conversations', () => {
  it('sends a conversation case through a chat session: each turn a run of the session', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    await using fake = createFakeGemini({
      script: (_request, fakeContext) => turn.text(`you said ${fakeContext.lastUserText}`),
    });
    const result = await runEval({
      mode: 'live',
      live: { apiKey: 'k', fetch: fake.fetch },
      cases: [
        {
          id: 'chat',
          history: [
            { role: 'user', parts: [{ text: 'zero' }] },
            { role: 'model', parts: [{ text: 'you said zero' }] },
          ],
          conversation: ['one', 'two'],
          expected: { text: 'you said two' },
        },
      ],
      scorers: [exactMatch()],
      createAgent: ({ gemini }) =>
        createAgent({ gemini, model: 'gemini-2.5-flash', telemetry: { tracerProvider } }),
    });
    expect(result.attempts[0]?.status).toBe('pass');
    const runs = exporter.getFinishedSpans().filter((span) => span.name.startsWith('invoke_agent'));
    // A chat session's runs carry its id as the conversation (gen_ai.conversation.id).
    expect(runs.map((span) => span.attributes['gen_ai.conversation.id'])).toEqual([
      'eval-chat',
      'eval-chat',
    ]);
    const sent = fake.modelRequests.map(
      (request) => (request.body as { contents: unknown[] }).contents.length,
    );
    expect(sent).toEqual([3, 5]);
  });
});
