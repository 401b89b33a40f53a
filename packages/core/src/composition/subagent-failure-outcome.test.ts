import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { ToolExecutionError } from '../agent/errors/tool-execution-error.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { guardrails } from '../guardrails/guardrails.ts';
import { loopGuard } from '../loop-guard/loop-guard.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import { toolResultCache } from '../tool-result-cache/tool-result-cache.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { AnyTool } from '../tools/tool.ts';
import { subagent } from './subagent.ts';

// attack44b's note: under the default `onError: 'tell-model'` a child's failure was answered as a
// success (a `tool-result`, outcome `success`, span unset, the run file's `success`), while a
// plain tool that throws is a `tool-error` (`execution-error`) everywhere. The same failure now
// reads the same both ways; the model is still told, in a plain tool's answer shape.

const MODEL = 'gemini-2.5-flash';

/** A subagent whose child's model call fails, or a plain tool that throws: one name, `search`. */
function failingTool(kind: 'subagent' | 'tool'): AnyTool {
  if (kind === 'tool') {
    return defineTool({
      name: 'search',
      description: 'Searches.',
      parameters: z.object({ task: z.string() }),
      execute: () => {
        throw new Error('backend down');
      },
    });
  }
  const child = createAgent({
    // One failure a call (the guard's test calls it three times).
    gemini: createScriptedGemini([1, 2, 3].map(() => ({ error: new Error('backend down') }))),
    model: MODEL,
  });
  return subagent(child, { name: 'search', description: 'Searches.' });
}

function parentOf(kind: 'subagent' | 'tool', options: Record<string, unknown> = {}) {
  const gemini = createScriptedGemini([
    callsTurn(['search', { task: 'x' }, 'c1']),
    textTurn('The search failed.'),
  ]);
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const agent = createAgent({
    gemini,
    model: MODEL,
    tools: [failingTool(kind)],
    telemetry: { tracerProvider },
    ...options,
  });
  return { agent, gemini, exporter };
}

describe.each(['subagent', 'tool'] as const)('a failed %s call', (kind) => {
  it.each(['run', 'stream'] as const)(
    'is a tool-error (execution-error) in its event, record, span and run file (%s)',
    async (mode) => {
      const dir = await mkdtemp(join(tmpdir(), 'subagent-failure-'));
      onTestFinished(() => rm(dir, { recursive: true, force: true }));
      const recorder = createRunRecorder({ dir });
      const { agent, gemini, exporter } = parentOf(kind, { recorder });
      const events: AgentEvent<unknown>[] = [];
      let result: Awaited<ReturnType<typeof agent.run>>;
      if (mode === 'run') {
        result = await agent.run('go');
      } else {
        const stream = agent.stream('go');
        for await (const event of stream) events.push(event);
        result = await stream.result;
        const settled = events.filter(
          (event) =>
            (event.type === 'tool-result' || event.type === 'tool-error') &&
            event.path.length === 0,
        );
        // Before (subagent): a `tool-result` whose output held the error.
        expect(settled.map((event) => event.type)).toEqual(['tool-error']);
      }
      expect(result.text).toBe('The search failed.');
      const call = result.steps[0]?.toolCalls[0];
      expect(call?.outcome).toBe('execution-error');
      expect(call?.error).toContain('backend down');
      // The model is told, as a plain tool's failure is: `{ error: <text> }`.
      const answer = gemini.contentsOf(1).at(-1)?.parts?.[0]?.functionResponse?.response as {
        error: unknown;
      };
      expect(typeof answer.error).toBe('string');
      expect(answer.error).toContain('backend down');
      expect(answer.error).toBe(call?.error);
      const span = exporter.getFinishedSpans().find((each) => each.name === 'execute_tool search');
      expect(span?.status.code).toBe(2); // ERROR
      await recorder.flush?.();
      const files = (await readdir(dir, { recursive: true })).filter((file) =>
        String(file).endsWith('.jsonl'),
      );
      const recorded = (
        await Promise.all(files.map((file) => readFile(join(dir, String(file)), 'utf8')))
      ).join('\n');
      expect(recorded).toContain('"outcome":"execution-error"');
      expect(recorded).not.toMatch(/"toolName":"search"[^\n]*"outcome":"success"/);
    },
  );

  it("ends the run with a ToolExecutionError under toolErrors: 'throw', its cause the failure", async () => {
    const { agent } = parentOf(kind, { toolErrors: 'throw' });
    const error = await agent.run('go').catch((thrown: unknown) => thrown);
    // Before (subagent): the run went on, the model told.
    expect(ToolExecutionError.isInstance(error)).toBe(true);
    expect((error as ToolExecutionError).toolName).toBe('search');
    expect(String((error as ToolExecutionError).message)).toContain('backend down');
    expect(String((error as { cause?: Error }).cause?.message)).toContain('backend down');
  });
});

describe('a failed subagent call and a throwing tool', () => {
  it('meet afterToolCall and a loop guard alike: no hook for the failure, a repeated failure steered', async () => {
    const runOf = async (kind: 'subagent' | 'tool') => {
      const seen: unknown[] = [];
      const after = definePlugin({
        name: 'after',
        afterToolCall: (call) => {
          seen.push(call.toolCallId);
          return undefined;
        },
      });
      const gemini = createScriptedGemini([
        callsTurn(['search', { task: 'x' }, 'c1']),
        callsTurn(['search', { task: 'x' }, 'c2']),
        callsTurn(['search', { task: 'x' }, 'c3']),
        textTurn('Gave up.'),
      ]);
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [failingTool(kind)],
        plugins: [after, loopGuard({ maxRepeats: 2 })],
      });
      const result = await agent.run('go');
      const third = gemini.contentsOf(3).at(-1)?.parts?.[0]?.functionResponse?.response;
      return {
        seen,
        outcomes: result.steps.flatMap((step) => step.toolCalls).map((call) => call.outcome),
        // The guard's words for the third call (the failure's own text differs by kind).
        steered: JSON.stringify(third).includes('failed the same way'),
      };
    };
    const plain = await runOf('tool');
    // What a throwing tool meets: the failures never reach afterToolCall (only the guard's
    // steer, a result, does), and the guard steers the repeat as a failure.
    expect(plain.outcomes[0]).toBe('execution-error');
    // Before: the subagent's failures were results (all three given to afterToolCall, the
    // guard steering them as a repeated call, if at all).
    const delegated = await runOf('subagent');
    expect(delegated).toEqual(plain);
  });

  it('are not kept by a tool-result cache: the same call runs again', async () => {
    const runOf = async (kind: 'subagent' | 'tool') => {
      const gemini = createScriptedGemini([
        callsTurn(['search', { task: 'x' }, 'c1']),
        callsTurn(['search', { task: 'x' }, 'c2']),
        textTurn('Gave up.'),
      ]);
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [failingTool(kind)],
        plugins: [toolResultCache({ tools: { search: { effect: 'read' } } })],
      });
      const result = await agent.run('go');
      const second = gemini.contentsOf(2).at(-1)?.parts?.[0]?.functionResponse?.response;
      return {
        outcomes: result.steps.flatMap((step) => step.toolCalls).map((call) => call.outcome),
        secondIsError: typeof (second as { error?: unknown } | undefined)?.error === 'string',
      };
    };
    const plain = await runOf('tool');
    expect(plain).toEqual({
      outcomes: ['execution-error', 'execution-error'],
      secondIsError: true,
    });
    // Before: the failure was a value, kept, and the second call answered from the cache.
    expect(await runOf('subagent')).toEqual(plain);
  });
});

describe("the guardrails' onToolError", () => {
  // leftovers51's note: the rewrite of a thrown tool's words never met a subagent's failure (its
  // words went to the model as they were). It does now, as for a throwing tool: the rewrite gets
  // the failure's own error (the child's, not the internal wrapper) and the words it replaces.
  it.each(['subagent', 'tool'] as const)('rewrites a failed %s call', async (kind) => {
    const seen: { error: unknown; defaultMessage: string }[] = [];
    const { agent, gemini } = parentOf(kind, {
      guardrails: guardrails({
        onToolError: (error, context) => {
          seen.push({ error, defaultMessage: context.defaultMessage });
          return 'Searching is unavailable.';
        },
      }),
    });
    const result = await agent.run('go');
    const answer = gemini.contentsOf(1).at(-1)?.parts?.[0]?.functionResponse?.response;
    expect(answer).toEqual({ error: 'Searching is unavailable.' });
    expect(result.steps[0]?.toolCalls[0]?.error).toBe('Searching is unavailable.');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.error).toBeInstanceOf(Error);
    expect(String((seen[0]?.error as Error | undefined)?.message)).toContain('backend down');
    expect(seen[0]?.error?.constructor.name).not.toBe('DelegatedFailure');
    expect(seen[0]?.defaultMessage).toContain('backend down');
    // The default it replaced is the failure's own words, not wrapped once more.
    expect(seen[0]?.defaultMessage).not.toMatch(/^search failed: The subagent/);
  });
});
