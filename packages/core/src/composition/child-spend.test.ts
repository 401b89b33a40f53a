import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  callsTurn,
  createScriptedGemini,
  type ScriptedTurn,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { SubagentError } from '../agent/errors/subagent-error.ts';
import { TreeBudgetError } from '../agent/errors/tree-budget-error.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import { addCosts } from '../models/add-costs.ts';
import { costOf } from '../pricing/cost-of.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import type { AgentResult, AgentUsage } from '../run/agent-result.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { subagent } from './subagent.ts';

// Spent is spent (issue 31): a subagent that fails, is aborted or times out after its model calls
// returned still reports what they used and cost, to the parent's step and result, the per-agent
// split, the tree budget, a chat session, the spans and the recording, and the typed error that
// ends the tree under `onError: 'throw'` carries the tree's total.

const PARENT_MODEL = 'gemini-2.5-flash';
const CHILD_MODEL = 'gemini-2.5-pro';
const OWN = { promptTokenCount: 100, candidatesTokenCount: 5, totalTokenCount: 105 };
const CHILD = { promptTokenCount: 1000, candidatesTokenCount: 50, totalTokenCount: 1050 };
const GRANDCHILD = { promptTokenCount: 3000, candidatesTokenCount: 70, totalTokenCount: 3070 };

function usage(metadata: Partial<AgentUsage>): AgentUsage {
  return {
    promptTokenCount: 0,
    candidatesTokenCount: 0,
    thoughtsTokenCount: 0,
    toolUsePromptTokenCount: 0,
    cachedContentTokenCount: 0,
    ...metadata,
    totalTokenCount: metadata.totalTokenCount ?? 0,
  };
}

function sum(...all: Partial<AgentUsage>[]): AgentUsage {
  const total = usage({});
  for (const one of all) {
    for (const key of Object.keys(total) as (keyof AgentUsage)[]) total[key] += one[key] ?? 0;
  }
  return total;
}

type Options = {
  onError?: 'throw' | 'tell-model';
  /** What the child's `lookup` tool does (called after the child's first model step). */
  lookup?: () => Promise<unknown>;
  timeoutMs?: number;
  /** The child calls a grandchild (`dig`) before failing, which answers and reports GRANDCHILD. */
  grandchild?: boolean;
  telemetry?: { tracerProvider: BasicTracerProvider };
  recorder?: ReturnType<typeof createRunRecorder>;
};

/**
 * lead -> research (child): the child's first model step calls `lookup` (and `dig`, a grandchild
 * subagent, when asked) and reports CHILD; its second model call fails. The lead answers after.
 */
function tree(options: Options = {}) {
  const observe = {
    telemetry: options.telemetry ?? (false as const),
    ...(options.recorder === undefined ? {} : { recorder: options.recorder }),
  };
  const grandchild = createAgent({
    gemini: createScriptedGemini([{ ...textTurn('dug'), usageMetadata: GRANDCHILD }]),
    model: CHILD_MODEL,
    name: 'digger',
    ...observe,
  });
  const childTurns: ScriptedTurn[] = [
    {
      ...(options.grandchild === true
        ? callsTurn(['lookup', {}, 'l1'], ['dig', { task: 'dig' }, 'd1'])
        : callsTurn(['lookup', {}, 'l1'])),
      usageMetadata: CHILD,
    },
    { error: new Error('the model is down') },
  ];
  const child = createAgent({
    gemini: createScriptedGemini(childTurns),
    model: CHILD_MODEL,
    name: 'research',
    ...observe,
    tools: [
      defineTool({
        name: 'lookup',
        description: 'Looks up.',
        parameters: { type: 'object', properties: {} },
        execute: options.lookup ?? (async () => 'x'),
      }),
      subagent(grandchild, { name: 'dig', description: 'Digs.' }),
    ],
  });
  return createAgent({
    gemini: createScriptedGemini([
      { ...callsTurn(['research', { task: 't' }, 'c1']), usageMetadata: OWN },
      { ...textTurn('done'), usageMetadata: OWN },
    ]),
    model: PARENT_MODEL,
    name: 'lead',
    ...observe,
    tools: [
      subagent(child, {
        name: 'research',
        description: 'Researches.',
        ...(options.onError === undefined ? {} : { onError: options.onError }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      }),
    ],
  });
}

const childCost = costOf(CHILD, CHILD_MODEL);
const ownCost = costOf(OWN, PARENT_MODEL);

/** The parent answered after a child that spent CHILD and then failed (or was stopped). */
function expectCounted(result: AgentResult, childSpent = CHILD): void {
  const [first] = result.steps;
  const spentCost = costOf(childSpent, CHILD_MODEL);
  expect(first?.toolCalls[0]?.usage).toEqual(usage(childSpent));
  expect(first?.toolCalls[0]?.cost).toEqual(spentCost);
  expect(first?.usageWithChildren).toEqual(sum(OWN, childSpent));
  expect(first?.costWithChildren).toEqual(addCosts(ownCost, spentCost));
  expect(first?.usageByAgent).toEqual([
    { path: [], usage: usage(OWN) },
    { path: ['research#1'], usage: usage(childSpent) },
  ]);
  expect(result.usage).toEqual(sum(OWN, OWN, childSpent));
  expect(result.cost).toEqual(addCosts(addCosts(ownCost, ownCost), spentCost));
  expect(result.usageByAgent).toEqual([
    { path: [], usage: sum(OWN, OWN) },
    { path: ['research#1'], usage: usage(childSpent) },
  ]);
}

afterEach(() => {
  vi.useRealTimers();
});

describe("a failed subagent's spending", () => {
  it('splits a failed child by agent, its grandchild under it (unary and streamed)', async () => {
    for (const streamed of [false, true]) {
      const agent = tree({ grandchild: true });
      const result = streamed ? await agent.stream('go').result : await agent.run('go');
      const below = sum(CHILD, GRANDCHILD);
      expect(result.steps[0]?.toolCalls[0]?.usage).toEqual(below);
      expect(result.steps[0]?.toolCalls[0]?.cost).toEqual(
        addCosts(childCost, costOf(GRANDCHILD, CHILD_MODEL)),
      );
      // The child's own usage and the grandchild's, not the child's total under the child's name.
      expect(result.usageByAgent).toEqual([
        { path: [], usage: sum(OWN, OWN) },
        { path: ['research#1'], usage: usage(CHILD) },
        { path: ['research#1', 'dig#1'], usage: usage(GRANDCHILD) },
      ]);
      expect(result.usage).toEqual(sum(OWN, OWN, below));
    }
  });

  it("counts a child the parent's abort stopped mid-tool, in the abort error's run (unary and streamed)", async () => {
    for (const streamed of [false, true]) {
      const controller = new AbortController();
      const agent = tree({
        lookup: () => {
          controller.abort(new Error('the user left'));
          return new Promise(() => {});
        },
      });
      const running = streamed
        ? agent.stream('go', { signal: controller.signal }).result
        : agent.run('go', { signal: controller.signal });
      const error = await running.catch((thrown: unknown) => thrown);
      expect(AgentAbortedError.isInstance(error)).toBe(true);
      const run = (error as AgentAbortedError).run;
      expect(run.steps[0]?.toolCalls[0]?.outcome).toBe('aborted');
      expect(run.steps[0]?.toolCalls[0]?.usage).toEqual(usage(CHILD));
      expect(run.steps[0]?.usageWithChildren).toEqual(sum(OWN, CHILD));
      expect(run.usage).toEqual(sum(OWN, CHILD));
      expect(run.cost).toEqual(addCosts(ownCost, childCost));
    }
  });

  it('counts a child that timed out mid-tool, and the parent goes on', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let reached!: () => void;
    const inTool = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const agent = tree({
      timeoutMs: 60_000,
      lookup: () => {
        reached();
        return new Promise(() => {});
      },
    });
    const running = agent.run('go');
    await inTool;
    await vi.advanceTimersByTimeAsync(60_000);
    const result = await running;
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('timeout');
    expectCounted(result);
  });

  it("ends the run under onError: 'throw' when the child times out, with a SubagentError whose cause is the TimeoutError", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let reached!: () => void;
    const inTool = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const agent = tree({
      onError: 'throw',
      timeoutMs: 60_000,
      lookup: () => {
        reached();
        return new Promise(() => {});
      },
    });
    const running = agent.run('go').catch((thrown: unknown) => thrown);
    await inTool;
    await vi.advanceTimersByTimeAsync(60_000);
    const error = await running;
    expect(SubagentError.isInstance(error)).toBe(true);
    const failed = error as SubagentError;
    expect(failed.path).toEqual(['research#1']);
    expect(failed.message).toMatch(/did not finish within 60000 ms \(timeoutMs\)/);
    expect(TimeoutError.isInstance(failed.cause)).toBe(true);
    expect((failed.cause as TimeoutError).timeoutMs).toBe(60_000);
    // What the child spent before it was stopped is counted, as for any failure.
    expect(failed.usage).toEqual(sum(OWN, CHILD));
  });

  it("ends the tree under onError: 'throw' with a SubagentError carrying the tree's spending", async () => {
    // Three levels: the error climbs lead <- middle <- research and says what all of them spent.
    const team = () => {
      const middle = createAgent({
        gemini: createScriptedGemini([
          { ...callsTurn(['deeper', { task: 't' }, 'm1']), usageMetadata: GRANDCHILD },
        ]),
        model: CHILD_MODEL,
        name: 'middle',
        telemetry: false,
        tools: [
          subagent(
            createAgent({
              gemini: createScriptedGemini([
                { ...callsTurn(['lookup', {}, 'l1']), usageMetadata: CHILD },
                { error: new Error('the model is down') },
              ]),
              model: CHILD_MODEL,
              name: 'research',
              telemetry: false,
              tools: [
                defineTool({
                  name: 'lookup',
                  description: 'Looks up.',
                  parameters: { type: 'object', properties: {} },
                  execute: async () => 'x',
                }),
              ],
            }),
            { name: 'deeper', description: 'Deeper.', onError: 'throw' },
          ),
        ],
      });
      const lead = createAgent({
        gemini: createScriptedGemini([
          { ...callsTurn(['middle', { task: 't' }, 'c1']), usageMetadata: OWN },
        ]),
        model: PARENT_MODEL,
        name: 'lead',
        telemetry: false,
        tools: [subagent(middle, { name: 'middle', description: 'Middle.' })],
      });
      return lead;
    };
    for (const streamed of [false, true]) {
      const running = streamed ? team().stream('go').result : team().run('go');
      const error = await running.catch((thrown: unknown) => thrown);
      expect(SubagentError.isInstance(error)).toBe(true);
      const failed = error as SubagentError;
      expect(failed.path).toEqual(['middle#1', 'deeper#1']);
      expect(failed.childRun?.usage).toEqual(usage(CHILD));
      expect(failed.usage).toEqual(sum(OWN, GRANDCHILD, CHILD));
      expect(failed.cost).toEqual(
        addCosts(addCosts(ownCost, costOf(GRANDCHILD, CHILD_MODEL)), childCost),
      );
    }
  });

  it("ends the tree with a TreeBudgetError carrying the tree's usage, not the stopped run's", async () => {
    // The tree may spend 1000 tokens: the child's first call (1050) passes it, so the child stops
    // before its second model call.
    const agent = tree({ onError: 'throw' });
    const error = await agent
      .run('go', { budget: { maxTokens: 1000 } })
      .catch((thrown: unknown) => thrown);
    expect(TreeBudgetError.isInstance(error)).toBe(true);
    const stopped = error as TreeBudgetError;
    expect(stopped.path).toEqual(['research#1']);
    expect(stopped.run.usage).toEqual(usage(CHILD));
    expect(stopped.usage).toEqual(sum(OWN, CHILD));
  });

  it("stops the tree at the parent's next step on a failed child's tokens (tree budget)", async () => {
    // The child times out in its tool after its first model call: it never calls the model again
    // (each call counts as it returns, so a second call of the child would be refused). The 200 ms
    // in fake time, moved once the child is in its tool: in real time they also bounded the
    // child's first model call, which must be counted, and a loaded machine can take that long.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let reached!: () => void;
    const inTool = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const lookup = () => {
      reached();
      return new Promise(() => {});
    };
    const running = tree({ lookup, timeoutMs: 200 })
      .run('go', { budget: { maxTokens: 1100 } })
      .catch((thrown: unknown) => thrown);
    await inTool;
    await vi.advanceTimersByTimeAsync(200);
    const error = await running;
    // The lead (105) and the failed child (1050) used 1155: the lead may not call the model again.
    expect(TreeBudgetError.isInstance(error)).toBe(true);
    expect((error as TreeBudgetError).path).toEqual([]);
    expect((error as TreeBudgetError).used).toBe(1155);
  });

  it('counts it in a chat session: a turn a failed child ended with SubagentError', async () => {
    const session = createChatSession({ agent: tree({ onError: 'throw' }) });
    await expect(session.send('go')).rejects.toThrow(SubagentError);
    expect(session.usage).toEqual(sum(OWN, CHILD));
    expect(session.cost).toEqual(addCosts(ownCost, childCost));
  });

  it("shows in the spans and the recording of the runs a failed child's error ended", async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-child-spend-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const recorder = createRunRecorder({ dir });
    await expect(
      tree({ onError: 'throw', telemetry: { tracerProvider }, recorder }).run('go'),
    ).rejects.toThrow(SubagentError);
    await recorder.flush();
    const agentSpans = exporter
      .getFinishedSpans()
      .filter((span) => span.name.startsWith('invoke_agent'));
    const tokens = (name: string) => {
      const span = agentSpans.find((one) => one.name === `invoke_agent ${name}`);
      return [
        span?.attributes['gen_ai.usage.input_tokens'],
        span?.attributes['gen_ai.usage.output_tokens'],
      ];
    };
    expect(tokens('research')).toEqual([1000, 50]);
    // The lead ended with the child's SubagentError: its span says what the lead's tree spent.
    expect(tokens('lead')).toEqual([1100, 55]);
    const files = await readdir(dir);
    const runEnds = await Promise.all(
      files.map(async (name) => {
        const lines = (await readFile(join(dir, name), 'utf8'))
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        return [lines[0]?.['agentName'], lines.find((line) => line['type'] === 'run-end')] as const;
      }),
    );
    const lead = runEnds.find(([agentName]) => agentName === 'lead')?.[1];
    expect(lead?.['outcome']).toBe('error');
    expect(lead?.['usage']).toEqual(sum(OWN, CHILD));
    expect(lead?.['cost']).toEqual(addCosts(ownCost, childCost));
  });
});

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
});
afterAll(() => {
  context.disable();
});
