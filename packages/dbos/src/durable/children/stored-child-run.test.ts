import {
  type AgentOptions,
  type AgentRunError,
  createAgent,
  createGemini,
  defineTool,
} from '@gemloop/core';
import { SubagentError, subagent } from '@gemloop/core/composition';
import { type AgentPlugin, definePlugin, PluginError } from '@gemloop/core/plugins';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import type { Body } from '../../__fixtures__/subagent-fake.ts';
import { DurableRunError } from '../../errors/durable-run-error.ts';
import type { DurableWorker } from '../worker/durable-worker.ts';
import { startDurableWorker } from '../worker/start-durable-worker.ts';

// A durable subagent's AgentRunError as its parent reads it (durable64, leftovers84's "Noticed"):
// in process the parent's SubagentError holds the failed child's run (`childRun`, and its cause's
// `run`: the child's steps, usage and cost); from a child workflow both were an empty run (no
// steps, zero usage and cost). One worker in this process on the suite's embedded Postgres; each
// tree is run in process too, on its own fake, and compared.

const model = 'gemini-2.5-flash';
const KEY = 'AIzaSyD-durable64-child-key-0123456789';

const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.string() }),
  // The client's key in the tool's answer: the child's stored steps go without it.
  execute: ({ q }) => ({ found: q, echo: KEY }),
});

/** Fails the run before its second model call: one step done, its usage spent. */
const stopper = (): AgentPlugin =>
  definePlugin({
    name: 'stopper',
    recorded: ['beforeModelCall'],
    beforeModelCall: (call) => {
      if (call.stepNumber >= 2) throw new Error('stop here');
    },
  });

/** The error each parent run ended with, as its own plugin saw it (in the worker's process). */
const ended: unknown[] = [];

const catcher = (): AgentPlugin =>
  definePlugin({
    name: 'catcher',
    endRun: (_run, end) => {
      if (end.error !== undefined) ended.push(end.error);
    },
  });

/** The child calls `lookup`; a parent (or the middle agent) calls the subagent under it. */
const script = (request: { body: unknown }) => {
  const instructions = (request.body as Body).systemInstruction?.parts?.[0]?.text ?? '';
  if (instructions.startsWith('CHILD')) return turn.call('lookup', { q: 'a' });
  if (instructions.startsWith('MID')) return turn.call('clerk', { task: 'look a up' });
  return turn.call(instructions.startsWith('TOP') ? 'office' : 'clerk', { task: 'do it' });
};

/** The two trees: `desk` calls the failing `clerk`; `chief` calls `office`, which calls it. */
function agents(
  gemini: ReturnType<typeof createGemini>,
): Record<'desk' | 'chief', AgentOptions<unknown>> {
  const clerk = subagent(
    createAgent({
      gemini,
      model,
      instructions: 'CHILD: look things up.',
      tools: [lookup],
      plugins: [stopper()],
    }),
    { name: 'clerk', description: 'Looks things up.', onError: 'throw' },
  );
  const office = subagent(
    createAgent({ gemini, model, instructions: 'MID: ask the clerk.', tools: [clerk] }),
    { name: 'office', description: 'Asks the clerk.', onError: 'throw' },
  );
  return {
    desk: { gemini, model, instructions: 'DESK', tools: [clerk], plugins: [catcher()] },
    chief: { gemini, model, instructions: 'TOP', tools: [office], plugins: [catcher()] },
  };
}

let fake: FakeGemini;
let worker: DurableWorker;

beforeAll(async () => {
  fake = createFakeGemini({ script });
  await fake.listen();
  const databaseUrl = await workerDatabase('stored_child_run');
  const gemini = createGemini({ apiKey: KEY, baseUrl: fake.url, retry: { maxRetries: 0 } });
  worker = await startDurableWorker({
    databaseUrl,
    executorId: 'stored-child-run',
    agents: agents(gemini),
    logLevel: 'error',
  });
});

afterAll(async () => {
  await worker?.shutdown();
  await fake?.close();
});

/** The parent's error when the same tree runs in process. */
async function inProcess(name: 'desk' | 'chief'): Promise<SubagentError> {
  const local = createFakeGemini({ script });
  const agent = createAgent(
    agents(createGemini({ apiKey: KEY, fetch: local.fetch, retry: { maxRetries: 0 } }))[name],
  );
  const error = await agent.run('Go.').catch((thrown: unknown) => thrown);
  expect(SubagentError.isInstance(error)).toBe(true);
  return error as SubagentError;
}

/**
 * The parent's error when the tree runs durably, as the parent's plugin saw it, and as
 * `runs.result()` threw it.
 */
async function durable(
  name: 'desk' | 'chief',
): Promise<{ error: SubagentError; runId: string; thrown: unknown }> {
  const before = ended.length;
  const { runId } = await worker.runs.start(name, { input: 'Go.' });
  const thrown = await worker.runs.result(runId).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(ended).toHaveLength(before + 1);
  const error = ended[before];
  expect(SubagentError.isInstance(error)).toBe(true);
  return { error: error as SubagentError, runId, thrown };
}

/** What a run state says of the run: its steps (number, kind, usage, calls) and its spend. */
function summary(run: AgentRunError['run'] | undefined): unknown {
  return {
    steps: run?.steps.map((step) => [
      step.stepNumber,
      step.kind,
      step.usage,
      step.toolCalls.map((call) => [call.toolName, call.outcome]),
    ]),
    usage: run?.usage,
    cost: run?.cost,
  };
}

describe("a durable subagent's failure as its parent reads it carries the child's run", () => {
  it.each([
    ['desk', 'its child workflow failed'],
    ['chief', "a grandchild's SubagentError came up through its child workflow"],
  ] as const)(
    '%s: the SubagentError holds the run the same tree holds in process (%s)',
    async (name, _how) => {
      const expected = await inProcess(name);
      expect(expected.childRun?.steps).toHaveLength(1);
      const { error } = await durable(name);
      expect(summary(error.childRun)).toEqual(summary(expected.childRun));
      expect(error.usage).toEqual(expected.usage);
      // The cause is the child's own error, with the same run, as in process.
      expect(PluginError.isInstance(error.cause)).toBe(true);
      expect(summary((error.cause as AgentRunError).run)).toEqual(
        summary((expected.cause as AgentRunError).run),
      );
      // The history is not stored with the error: present, empty.
      expect(error.childRun?.contents).toEqual([]);
      expect(error.childRun?.newContents).toEqual([]);
      // The tool's answer is there, without the client's key.
      const output = error.childRun?.steps[0]?.toolCalls[0]?.output;
      expect(output).toMatchObject({ found: 'a' });
      expect(JSON.stringify(error.childRun)).not.toContain(KEY);
    },
  );

  it.each(['desk', 'chief'] as const)(
    "%s: runs.result() of the parent gives its SubagentError with the child's run",
    async (name) => {
      const expected = await inProcess(name);
      const { thrown } = await durable(name);
      expect(DurableRunError.isInstance(thrown)).toBe(true);
      const error = (thrown as DurableRunError).cause as SubagentError;
      expect(SubagentError.isInstance(error)).toBe(true);
      expect(summary(error.childRun)).toEqual(summary(expected.childRun));
      expect(PluginError.isInstance(error.cause)).toBe(true);
      expect(summary((error.cause as AgentRunError).run)).toEqual(
        summary((expected.cause as AgentRunError).run),
      );
      expect(JSON.stringify(error.childRun)).not.toContain(KEY);
    },
  );

  it.each(['desk', 'chief'] as const)(
    "%s: runs.result() of the parent gives its SubagentError's path, and what the tree spent as usage and cost",
    async (name) => {
      const expected = await inProcess(name);
      const { error: seen, thrown } = await durable(name);
      const error = (thrown as DurableRunError).cause as SubagentError;
      expect(SubagentError.isInstance(error)).toBe(true);
      expect(error.path).toEqual(expected.path);
      // What the whole tree spent, as in process (and as the parent's own plugin saw it).
      expect(error.usage).toEqual(expected.usage);
      expect(error.usage).toEqual(seen.usage);
      expect(error.cost).toEqual(expected.cost);
      expect(error.toolName).toBe(expected.toolName);
    },
  );

  it("runs.result() of the failed child's own id gives its error with its run", async () => {
    const expected = await inProcess('desk');
    const { runId } = await durable('desk');
    const [child] = await worker.runs.childRuns(runId);
    expect(child?.status).toBe('ERROR');
    const thrown: { cause?: unknown } = await worker.runs
      .result(child?.runId as string)
      .then(() => ({}))
      .catch((error: unknown) => error as { cause?: unknown });
    expect(PluginError.isInstance(thrown.cause)).toBe(true);
    expect(summary((thrown.cause as AgentRunError).run)).toEqual(
      summary((expected.cause as AgentRunError).run),
    );
  });
});
