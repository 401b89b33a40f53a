import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent } from '@gemloop/core';
import { ToolExecutionError } from '@gemloop/core/errors';
import { guardrails } from '@gemloop/core/guardrails';
import { loopGuard } from '@gemloop/core/loop-guard';
import { createRunRecorder } from '@gemloop/core/recorder';
import { turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, onTestFinished } from 'vitest';
import { agentOnFake } from '../../door/__fixtures__/serve-door.ts';
import { serveA2A, TOKENS } from '../__fixtures__/serve-a2a.ts';
import { a2aAgent } from './a2a-agent.ts';

// leftovers51's note: a remote A2A task that ended failed answered the call as a success, the
// result `{ error: { agent, message } }` (a `tool-result`, outcome `success`, span unset, the run
// file's `success`, the run going on under `toolErrors: 'throw'`), while a failed subagent and a
// throwing tool are failed calls everywhere. The remote gemloop agent here fails each task: its
// fake model has no turn to answer with.

const support = (url: string) =>
  a2aAgent({
    url,
    name: 'support',
    description: 'Answers questions about orders.',
    headers: { authorization: `Bearer ${TOKENS.alice}` },
  });

/** The function response the parent's model got for its `n`th call's answer. */
function answerOf(body: unknown): unknown {
  const contents = (
    body as { contents: { parts: { functionResponse?: { response: unknown } }[] }[] }
  ).contents;
  return contents.at(-1)?.parts[0]?.functionResponse?.response;
}

describe('a remote A2A task that failed', () => {
  it('is a tool-error (execution-error) in its event, record, span and run file; the model told { error: <text> }', async () => {
    const remote = await serveA2A([]);
    const dir = await mkdtemp(join(tmpdir(), 'a2a-failure-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const recorder = createRunRecorder({ dir });
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const parent = agentOnFake([turn.call('support', { task: 'Hi' }), turn.text('It failed.')], {
      tools: [support(remote.origin)],
      recorder,
      telemetry: { tracerProvider },
    });
    const stream = parent.agent.stream('Ask support.');
    const events: AgentEvent[] = [];
    for await (const event of stream) events.push(event);
    const result = await stream.result;
    const settled = events.filter(
      (event) =>
        (event.type === 'tool-result' || event.type === 'tool-error') && event.path.length === 0,
    );
    expect(settled.map((event) => event.type)).toEqual(['tool-error']);
    const call = result.steps[0]?.toolCalls[0];
    expect(call?.outcome).toBe('execution-error');
    expect(call?.error).toMatch(/^The remote agent support failed the task/);
    expect(answerOf(parent.fake.requests[1]?.body)).toEqual({ error: call?.error });
    const span = exporter.getFinishedSpans().find((each) => each.name === 'execute_tool support');
    expect(span?.status.code).toBe(2); // ERROR
    await recorder.flush?.();
    const files = (await readdir(dir, { recursive: true })).filter((file) =>
      String(file).endsWith('.jsonl'),
    );
    const recorded = (
      await Promise.all(files.map((file) => readFile(join(dir, String(file)), 'utf8')))
    ).join('\n');
    expect(recorded).toContain('"outcome":"execution-error"');
    expect(recorded).not.toMatch(/"toolName":"support"[^\n]*"outcome":"success"/);
  });

  it("ends the run with a ToolExecutionError under toolErrors: 'throw'", async () => {
    const remote = await serveA2A([]);
    const parent = agentOnFake([turn.call('support', { task: 'Hi' }), turn.text('never')], {
      tools: [support(remote.origin)],
      toolErrors: 'throw',
    });
    const error = await parent.agent.run('Ask support.').catch((thrown: unknown) => thrown);
    expect(ToolExecutionError.isInstance(error)).toBe(true);
    expect((error as ToolExecutionError).toolName).toBe('support');
    expect(String((error as { cause?: Error }).cause?.message)).toMatch(
      /^The remote agent support failed the task/,
    );
    expect(parent.fake.requests).toHaveLength(1);
  });

  it("is rewritten by the guardrails' onToolError, which gets its words as the default", async () => {
    const remote = await serveA2A([]);
    const seen: { error: unknown; defaultMessage: string }[] = [];
    const parent = agentOnFake([turn.call('support', { task: 'Hi' }), turn.text('Sorry.')], {
      tools: [support(remote.origin)],
      guardrails: guardrails({
        onToolError: (error, context) => {
          seen.push({ error, defaultMessage: context.defaultMessage });
          return 'Support is unavailable; apologise.';
        },
      }),
    });
    await parent.agent.run('Ask support.');
    expect(answerOf(parent.fake.requests[1]?.body)).toEqual({
      error: 'Support is unavailable; apologise.',
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.defaultMessage).toMatch(/^The remote agent support failed the task/);
    expect(seen[0]?.error).toBeInstanceOf(Error);
    expect(String((seen[0]?.error as Error | undefined)?.message)).toBe(seen[0]?.defaultMessage);
  });

  it('is steered by a loop guard as a repeated failure', async () => {
    const remote = await serveA2A([]);
    const parent = agentOnFake(
      [
        turn.call('support', { task: 'Hi' }),
        turn.call('support', { task: 'Hi' }),
        turn.call('support', { task: 'Hi' }),
        turn.text('Gave up.'),
      ],
      { tools: [support(remote.origin)], plugins: [loopGuard({ maxRepeats: 2 })] },
    );
    const result = await parent.agent.run('Ask support.');
    expect(result.steps.flatMap((step) => step.toolCalls)[0]?.outcome).toBe('execution-error');
    // The guard's words for a repeat of a failure (a result's repeat reads otherwise).
    expect(JSON.stringify(answerOf(parent.fake.requests[3]?.body))).toContain(
      'failed the same way',
    );
  });
});
