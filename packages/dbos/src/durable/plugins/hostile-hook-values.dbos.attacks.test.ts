import { DBOS } from '@dbos-inc/dbos-sdk';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { type AgentPlugin, definePlugin, PluginError } from '@gemloop/core/plugins';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import { DurableRunError } from '../../index.ts';
import type { DurableWorker } from '../worker/durable-worker.ts';
import { startDurableWorker } from '../worker/start-durable-worker.ts';

// attack67c's fixes (hostile-hook-values.attacks.test.ts, whose DBOS is a map replaying JSON)
// proved on real DBOS Transact: one worker launched in this process on the suite's embedded
// Postgres, the same third-party plugins in durable runs, each compared with the same plugin in
// process. What a step stores is read from `dbos.operation_outputs`; a replay is DBOS's own
// rewind of the finished workflow in place (DBOS.rewindWorkflow: the steps before the cut are
// read back from their rows, the rest run again under the same id).

const SECRET = 'correct-horse-battery-staple';
const model = 'gemini-2.5-flash';
const calls = { lossy: 0, thrower: 0, plain: 0 };

const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => ({ found: q }),
});

/** The third party's plugins, made afresh for each agent (in process and durable alike). */
const plugins = {
  lossy: (): AgentPlugin =>
    definePlugin({
      name: 'lossy',
      recorded: ['afterToolCall'],
      afterToolCall: () => {
        calls.lossy++;
        return { result: { byId: new Map([['a', SECRET]]) } } as never;
      },
    }),
  thrower: (): AgentPlugin =>
    definePlugin({
      name: 'thrower',
      recorded: ['beforeModelCall'],
      beforeModelCall: () => {
        calls.thrower++;
        throw { secret: SECRET };
      },
    }),
  plain: (): AgentPlugin =>
    definePlugin({
      name: 'plain',
      recorded: ['afterToolCall'],
      afterToolCall: () => {
        calls.plain++;
        return { result: { at: new Date(0), n: 10n, list: [1, 'a', null] } };
      },
    }),
};
type Name = keyof typeof plugins;

/** One lookup, then the model repeats what the lookup answered. */
const script = (
  _request: unknown,
  { functionResponses }: { functionResponses: { response?: unknown }[] },
) =>
  functionResponses.length === 0
    ? turn.call('lookup', { q: 'a' })
    : turn.text(`told ${JSON.stringify(functionResponses[0]?.response)}`);

let fake: FakeGemini;
let worker: DurableWorker;
let databaseUrl: string;

beforeAll(async () => {
  fake = createFakeGemini({ script: script as never });
  await fake.listen();
  databaseUrl = await workerDatabase('hostile_hook_values');
  const gemini = createGemini({ apiKey: 'k', baseUrl: fake.url, retry: { maxRetries: 0 } });
  const agents = Object.fromEntries(
    (Object.keys(plugins) as Name[]).map((name) => [
      name,
      { gemini, model, tools: [lookup], plugins: [plugins[name]()] },
    ]),
  );
  worker = await startDurableWorker({
    databaseUrl,
    executorId: 'hostile-hook-values',
    agents,
    logLevel: 'error',
  });
});

afterAll(async () => {
  await worker?.shutdown();
  await fake?.close();
});

/** The same plugin's run in process: its error, or its answer. */
async function inProcess(name: Name): Promise<{ text?: string; error?: unknown }> {
  const local = createFakeGemini({ script: script as never });
  const agent = createAgent({
    gemini: createGemini({ apiKey: 'k', fetch: local.fetch }),
    model,
    tools: [lookup],
    plugins: [plugins[name]()],
  });
  return agent.run('Go.').then(
    (result) => ({ text: result.text }),
    (error: unknown) => ({ error }),
  );
}

/** The durable run's error, unwrapped from DurableRunError. */
async function durableError(runId: string): Promise<unknown> {
  const error = await worker.runs.result(runId).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(DurableRunError.isInstance(error), String(error)).toBe(true);
  return (error as DurableRunError).cause;
}

/** The rows DBOS stored for the run's steps (name and output/error as text). */
async function stepsOf(runId: string): Promise<{ id: number; name: string; row: string }[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: number; name: string; row: string }>(
      `SELECT function_id AS id, function_name AS name, t::text AS row FROM dbos.operation_outputs t
       WHERE workflow_uuid = $1 ORDER BY function_id`,
      [runId],
    );
    return rows;
  } finally {
    await client.end();
  }
}

/**
 * DBOS's replay of the finished run in place, from the step after the recorded hook's: the hook's
 * outcome is read back from its row. Its answer, or its error unwrapped as the run's result is.
 */
async function replayed(runId: string): Promise<{ text?: string; error?: unknown }> {
  const hook = (await stepsOf(runId)).filter((step) => step.name.startsWith('gemloop.plugin'));
  expect(hook, runId).toHaveLength(1);
  const handle = await DBOS.rewindWorkflow(runId, { startStep: (hook[0]?.id as number) + 1 });
  // Polled every 50 ms, as fleet.ts's waitFor: DBOS's own 1 s poll was most of a row's wall
  // (the replay ends in a few ms after it is taken from the queue).
  await handle.getResult({ pollingIntervalMs: 50 }).catch(() => undefined);
  return worker.runs.result(runId).then(
    (result) => ({ text: result.text }),
    (error: unknown) => ({ error: (error as DurableRunError).cause }),
  );
}

describe('hostile recorded hook values on real DBOS', () => {
  it('a recorded afterToolCall returning a Map: the model told the tool failed, as in process, nothing of the value stored', async () => {
    const local = await inProcess('lossy');
    // In process the Map is refused as the tool's failure, and the model is told so; attack67c
    // failed the durable run instead, durable68 tells the model the same words.
    expect(local.text).toContain('a Map is not JSON');
    calls.lossy = 0;
    const runId = 'hostile-map';
    await worker.runs.start('lossy', { runId, input: 'Go.' });
    expect((await worker.runs.result(runId)).text).toBe(local.text);
    expect(calls.lossy).toBe(1);
    const steps = await stepsOf(runId);
    expect(steps.map((step) => step.name)).toContainEqual(
      expect.stringMatching(/^gemloop\.plugin/),
    );
    expect(JSON.stringify(steps)).not.toContain(SECRET);
    expect((await replayed(runId)).text).toBe(local.text);
    expect(calls.lossy).toBe(1);
  });

  it('a recorded beforeModelCall throwing a plain object: the in-process words, nothing of the object stored', async () => {
    const local = (await inProcess('thrower')).error as PluginError;
    expect(PluginError.isInstance(local)).toBe(true);
    calls.thrower = 0;
    const runId = 'hostile-throw';
    await worker.runs.start('thrower', { runId, input: 'Go.' });
    const cause = await durableError(runId);
    expect(PluginError.isInstance(cause), String(cause)).toBe(true);
    expect(cause).toMatchObject({ plugin: 'thrower', hook: 'beforeModelCall' });
    expect((cause as Error).message).toBe(local.message);
    expect((cause as Error).message).not.toContain(SECRET);
    expect(calls.thrower).toBe(1);
    const steps = await stepsOf(runId);
    expect(steps.map((step) => step.name)).toContainEqual(
      expect.stringMatching(/^gemloop\.plugin/),
    );
    expect(JSON.stringify(steps)).not.toContain(SECRET);
    expect(JSON.stringify(steps)).not.toContain('secret');
    const again = (await replayed(runId)).error as Error;
    expect(PluginError.isInstance(again), String(again)).toBe(true);
    expect(again.message).toBe(local.message);
    expect(calls.thrower).toBe(1);
  });

  it('a recorded afterToolCall returning a Date and a BigInt: sent as in process, and a rewind replays the record without calling the hook', async () => {
    const local = await inProcess('plain');
    expect(local.text).toContain('1970-01-01T00:00:00.000Z');
    calls.plain = 0;
    const runId = 'hostile-plain';
    await worker.runs.start('plain', { runId, input: `Go ${runId}.` });
    expect((await worker.runs.result(runId)).text).toBe(local.text);
    expect(calls.plain).toBe(1);
    const told = (): string[] =>
      fake.modelRequests
        .map((request) => JSON.stringify(request.body))
        .filter((body) => body.includes(runId) && body.includes('functionResponse'));
    expect(told()).toHaveLength(1);
    expect((await replayed(runId)).text).toBe(local.text);
    // The model call after the hook ran again, told the record's value; the hook did not.
    expect(told()).toHaveLength(2);
    expect(told()[1]).toBe(told()[0]);
    expect(calls.plain).toBe(1);
  });
});
