import { type AgentRunError, createAgent, createGemini, defineTool } from '@gemloop/core';
import { type AgentPlugin, definePlugin, PluginError } from '@gemloop/core/plugins';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import { DurableRunError } from '../../index.ts';
import type { DurableWorker } from '../worker/durable-worker.ts';
import { startDurableWorker } from '../worker/start-durable-worker.ts';

// A durable run's AgentRunError (leftovers84): in process `catch (e) { e.run.usage }` reads what
// the run spent; from `runs.result()` the same error came back with an empty run (no steps, zero
// usage and cost). One worker in this process on the suite's embedded Postgres.

const model = 'gemini-2.5-flash';

const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => ({ found: q }),
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

const script = () => turn.call('lookup', { q: 'a' });

let fake: FakeGemini;
let worker: DurableWorker;

beforeAll(async () => {
  fake = createFakeGemini({ script });
  await fake.listen();
  const databaseUrl = await workerDatabase('failed_run_state');
  const gemini = createGemini({ apiKey: 'k', baseUrl: fake.url, retry: { maxRetries: 0 } });
  worker = await startDurableWorker({
    databaseUrl,
    executorId: 'failed-run-state',
    agents: { stopping: { gemini, model, tools: [lookup], plugins: [stopper()] } },
    logLevel: 'error',
  });
});

afterAll(async () => {
  await worker?.shutdown();
  await fake?.close();
});

describe('runs.result(): a failed run’s AgentRunError carries its run', () => {
  it('has the steps, usage and cost the run spent, as the same error in process has', async () => {
    const local = createFakeGemini({ script });
    const agent = createAgent({
      gemini: createGemini({ apiKey: 'k', fetch: local.fetch }),
      model,
      tools: [lookup],
      plugins: [stopper()],
    });
    const inProcess = await agent.run('Go.').catch((error: unknown) => error);
    expect(PluginError.isInstance(inProcess)).toBe(true);
    const expected = (inProcess as AgentRunError).run;
    expect(expected.steps).toHaveLength(1);

    const { runId } = await worker.runs.start('stopping', { input: 'Go.' });
    const error = await worker.runs.result(runId).catch((thrown: unknown) => thrown);
    expect(DurableRunError.isInstance(error)).toBe(true);
    const cause = (error as DurableRunError).cause;
    expect(PluginError.isInstance(cause)).toBe(true);
    const run = (cause as AgentRunError).run;
    expect(run.usage).toEqual(expected.usage);
    expect(run.cost).toEqual(expected.cost);
    expect(run.steps.map((step) => [step.stepNumber, step.kind, step.usage])).toEqual(
      expected.steps.map((step) => [step.stepNumber, step.kind, step.usage]),
    );
    expect(run.steps[0]?.toolCalls.map((call) => call.toolName)).toEqual(['lookup']);
    // The history is not stored with the error (TSDoc of failedRunState): present, empty.
    expect(run.contents).toEqual([]);
    expect(run.newContents).toEqual([]);
    expect((cause as AgentRunError).toJSON()['run']).toMatchObject({ steps: 1 });
  });
});
