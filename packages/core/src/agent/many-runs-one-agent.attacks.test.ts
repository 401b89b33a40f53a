import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AgentResult, createAgent, createGemini, defineTool } from '@gemloop/core';
import { guardrails } from '@gemloop/core/guardrails';
import { definePlugin } from '@gemloop/core/plugins';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createSteering } from '@gemloop/core/steering';
import { createFakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

// attack48a: many runs at once on ONE agent and ONE client, as a server shares them between its
// users. Every run carries its own marker (`run-<n>-`) in its input, its tool arguments, its
// steering message and its history; the fake answers each from its own request, out of order and
// after a seeded delay. A marker of run m found anywhere that belongs to run n (its result, its
// events, its tool's context, its plugin state, its spans, its recorder file, the request the fake
// got) is a leak between users.

// 120, not 240 (speed-new48, issue 53): the runs interleave as much at 120. Counted at the fake's
// answer, the lookup tool and the output guardrail (each an await that other runs' work passes):
// at most 9, 6 and 6 of them waiting there at once with 240 runs, 9, 6 and 7 with 120 (7, 5 and 4
// with 60) — the two cores, not the number of runs, bound how many are in flight at a point —
// and every residue the runs branch on (run % 2, 3, 5, 10) still has 12 runs or more. Half the
// runs, ~2.9 s of CPU less (bench/RESULTS.md).
const RUNS = 120;
const MODEL = 'gemini-2.5-flash';
const KEY = 'key-of-the-server-48a';

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
});
afterAll(() => {
  context.disable();
});

/** Every run number named by a marker in `text`. */
function markersIn(text: string): Set<number> {
  return new Set([...text.matchAll(/run-(\d+)-/g)].map((match) => Number(match[1])));
}

/** JSON of anything, cycles and bigints included, for a marker search. */
function jsonOf(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner === 'bigint') return inner.toString();
    if (inner instanceof Error) return { name: inner.name, message: inner.message };
    if (typeof inner === 'object' && inner !== null) {
      if (seen.has(inner)) return '[cycle]';
      seen.add(inner);
    }
    return inner;
  });
}

/** A delay in [0, 12) ms from the run and the step: the answers come back out of order. */
function delayOf(run: number, step: number): number {
  return ((run * 7919 + step * 104729) % 97) % 12;
}

function makeScript(mixedRequests: string[]): FakeScriptFunction {
  return async (request, scriptContext) => {
    const seen = markersIn(JSON.stringify(request.body));
    if (seen.size !== 1) mixedRequests.push(`call ${scriptContext.callIndex}: ${[...seen]}`);
    const run = [...seen][0] ?? -1;
    const temperature = request.body.generationConfig?.temperature;
    if (temperature !== (run % 10) / 10) {
      mixedRequests.push(`call ${scriptContext.callIndex}: temperature ${temperature} for ${run}`);
    }
    const answered = scriptContext.functionResponses.length > 0;
    await sleep(delayOf(run, answered ? 2 : 1));
    if (!answered) {
      return turn.calls(
        [
          { name: 'lookup', args: { user: run } },
          { name: 'context_echo', args: {} },
        ],
        { usage: { promptTokenCount: run, candidatesTokenCount: 1 } },
      );
    }
    return turn.text(`final run-${run}- ${JSON.stringify(scriptContext.functionResponses)}`, {
      usage: { promptTokenCount: run, candidatesTokenCount: 2 },
    });
  };
}

/** The marker of the first user text of a history: whose run a tool was called in. */
function runOfContents(contents: readonly { parts: readonly { text?: string | undefined }[] }[]) {
  const first = contents.find((content) => content.parts.some((part) => part.text !== undefined));
  return [...markersIn(jsonOf(first))];
}

describe('120 runs at once on one agent and one client', async () => {
  const mixedRequests: string[] = [];
  const fake = createFakeGemini({ script: makeScript(mixedRequests), chunkSize: 7 });
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: KEY, retry: false });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-48a-'));
  const recorder = createRunRecorder({ dir });
  const toolMismatches: string[] = [];
  const pluginMismatches: string[] = [];
  const guardrailMismatches: string[] = [];
  const approvalMismatches: string[] = [];

  const lookup = defineTool({
    name: 'lookup',
    parameters: z.object({ user: z.number() }),
    execute: async ({ user }, { contents }) => {
      const owners = runOfContents(contents);
      await sleep(delayOf(user, 3));
      if (owners.length !== 1 || owners[0] !== user) {
        toolMismatches.push(`lookup(${user}) in the history of ${owners}`);
      }
      return { secret: `secret-run-${user}-` };
    },
  });
  const contextEcho = defineTool({
    name: 'context_echo',
    parameters: z.object({}),
    execute: async (_args, { contents, toolCallId, step }) => ({
      owners: runOfContents(contents).map((run) => `run-${run}-`),
      toolCallId,
      step,
    }),
  });
  // Agent-level plugin state, made per run by startRun: a run must only ever see its own.
  const stateful = definePlugin<{ seen: Set<number> }>({
    name: 'marker-state',
    startRun: () => ({ seen: new Set<number>() }),
    afterModelCall: (step, run) => {
      for (const marker of markersIn(jsonOf(step.content))) run.state.seen.add(marker);
    },
    endRun: (run) => {
      if (run.state.seen.size !== 1) pluginMismatches.push(`state saw ${[...run.state.seen]}`);
    },
  });
  const agent = createAgent({
    gemini,
    model: MODEL,
    tools: [lookup, contextEcho],
    plugins: [stateful],
    // The approval hook and the step hook are the agent's, shared by every run: each call must
    // reach them with its own run's history and steps.
    beforeToolCall: async ({ toolName, args, contents }) => {
      const owners = runOfContents(contents);
      await sleep(owners[0] === undefined ? 0 : delayOf(owners[0], 4));
      if (toolName === 'lookup' && (args as { user: number }).user !== owners[0]) {
        approvalMismatches.push(`lookup(${jsonOf(args)}) asked in the history of ${owners}`);
      }
      if (toolName === 'context_echo' && owners[0] !== undefined && owners[0] % 5 === 0) {
        return { type: 'deny', message: `denied for run-${owners[0]}-` };
      }
      return undefined;
    },
    onStepEnd: (step, { steps, contents }) => {
      const owners = runOfContents(contents);
      const seen = [...markersIn(jsonOf([step.content, steps.map((each) => each.content)]))];
      if (owners.length !== 1 || seen.some((marker) => marker !== owners[0])) {
        approvalMismatches.push(`step with ${seen} in the history of ${owners}`);
      }
    },
    telemetry: { tracerProvider, conventions: 'latest', recordContent: true },
    recorder,
    guardrails: guardrails({
      output: [
        {
          name: 'stamp',
          check: async ({ text }, { contents }) => {
            const owners = runOfContents(contents);
            const inText = [...markersIn(text)];
            await sleep(1);
            if (owners.length !== 1 || inText.some((marker) => marker !== owners[0])) {
              guardrailMismatches.push(`output ${inText} in history of ${owners}`);
            }
            return { type: 'rewrite', text: `${text} [checked for run-${owners[0]}-]` };
          },
        },
      ],
    }),
  });

  const events = new Map<number, unknown[]>();
  const perRunPluginSaw = new Map<number, Set<number>>();
  const settled = await Promise.allSettled(
    Array.from({ length: RUNS }, async (_, run): Promise<AgentResult> => {
      const steering = createSteering();
      steering.steer(`steer run-${run}-`);
      const saw = new Set<number>();
      perRunPluginSaw.set(run, saw);
      const options = {
        steering,
        history: [
          { role: 'user' as const, parts: [{ text: `earlier run-${run}-` }] },
          { role: 'model' as const, parts: [{ text: `noted run-${run}-` }] },
        ],
        generationConfig: { temperature: (run % 10) / 10 },
        plugins: [
          definePlugin({
            name: 'per-run',
            afterToolCall: (call) => {
              for (const marker of markersIn(jsonOf(call))) saw.add(marker);
            },
          }),
        ],
        guardrails: guardrails({
          input: [
            {
              name: `input-${run % 3}`,
              check: ({ text }) =>
                markersIn(text).has(run) ? undefined : { type: 'block', reason: 'not mine' },
            },
          ],
        }),
      };
      const input = `question run-${run}-`;
      if (run % 2 === 0) return agent.run(input, options);
      const stream = agent.stream(input, options);
      const seen: unknown[] = [];
      events.set(run, seen);
      for await (const event of stream) seen.push(event);
      return stream.result;
    }),
  );
  await recorder.flush();
  await agent.close();
  await fake.close();

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const results = settled.map((outcome) => {
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  });

  it('every run ends with its own answer', () => {
    for (const [run, result] of results.entries()) {
      expect(result.text).toMatch(new RegExp(`^final run-${run}- .*secret-run-${run}-`));
      expect(result.text.endsWith(`[checked for run-${run}-]`)).toBe(true);
      expect(result.text.includes(`denied for run-${run}-`)).toBe(run % 5 === 0);
      expect([...markersIn(jsonOf(result))]).toEqual([run]);
    }
  });

  it('the fake got only requests of one run each, with that run’s own settings', () => {
    expect(mixedRequests).toEqual([]);
    expect(fake.modelRequests).toHaveLength(RUNS * 2);
  });

  it('tools, plugins, approvals, step hooks and guardrails saw their own run only', () => {
    expect(toolMismatches).toEqual([]);
    expect(approvalMismatches).toEqual([]);
    expect(pluginMismatches).toEqual([]);
    expect(guardrailMismatches).toEqual([]);
    for (const [run, saw] of perRunPluginSaw) expect([...saw], `run ${run}`).toEqual([run]);
  });

  it('each run’s usage and cost count its own model calls only', () => {
    for (const [run, result] of results.entries()) {
      expect(result.usage.promptTokenCount).toBe(2 * run);
      expect(result.usage.candidatesTokenCount).toBe(3);
      expect(result.steps).toHaveLength(2);
      const stepTotal = result.steps.reduce((sum, step) => sum + Number(step.cost.total), 0);
      expect(Number(result.cost.total)).toBeCloseTo(stepTotal, 12);
    }
  });

  it('each run’s steering message reached its own history only', () => {
    for (const [run, result] of results.entries()) {
      const steered = result.contents.filter((content) => jsonOf(content).includes('steer run-'));
      expect(steered.map((content) => [...markersIn(jsonOf(content))])).toEqual([[run]]);
    }
  });

  it('each stream’s events are its own run’s', () => {
    expect(events.size).toBe(RUNS / 2);
    for (const [run, seen] of events) {
      expect([...markersIn(jsonOf(seen))], `run ${run}`).toEqual([run]);
    }
  });

  it('each trace’s spans carry one run’s content', () => {
    const byTrace = new Map<string, Set<number>>();
    for (const span of exporter.getFinishedSpans()) {
      const id = span.spanContext().traceId;
      const markers = byTrace.get(id) ?? new Set<number>();
      for (const marker of markersIn(jsonOf(span.attributes))) markers.add(marker);
      for (const marker of markersIn(jsonOf(span.events))) markers.add(marker);
      byTrace.set(id, markers);
    }
    expect(byTrace.size).toBe(RUNS);
    const owners = [...byTrace.values()].map((markers) => [...markers]);
    expect(owners.filter((markers) => markers.length !== 1)).toEqual([]);
    expect(new Set(owners.map((markers) => markers[0])).size).toBe(RUNS);
    expect(jsonOf(exporter.getFinishedSpans().map((span) => span.attributes))).not.toContain(KEY);
  });

  it('each recorder file holds one run, under an id of its own', async () => {
    const files = (await readdir(dir)).filter((name) => name.endsWith('.jsonl'));
    expect(files).toHaveLength(RUNS);
    const owners: number[] = [];
    for (const file of files) {
      const text = await readFile(join(dir, file), 'utf8');
      expect(text).not.toContain(KEY);
      const markers = [...markersIn(text)];
      expect(markers, file).toHaveLength(1);
      owners.push(markers[0] as number);
    }
    expect(new Set(owners).size).toBe(RUNS);
  });
});
