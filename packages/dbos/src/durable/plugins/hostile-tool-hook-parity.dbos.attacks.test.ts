import { DBOS } from '@dbos-inc/dbos-sdk';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { type AgentPlugin, definePlugin } from '@gemloop/core/plugins';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import type { DurableWorker } from '../worker/durable-worker.ts';
import { startDurableWorker } from '../worker/start-durable-worker.ts';

// durable68: the same third-party plugin gives the same run in process and durable. One plugin
// (public imports only) whose recorded tool hook gives each hostile value below, run three ways:
// in process with `run()` (unary model calls), in process with `stream()`, and durable on real
// DBOS (the suite's shared embedded Postgres, one worker in this process; a durable run is
// `agent.stream()` in a workflow). Each row asserts the same `contents` sent to the model (read
// from the fake Gemini's received requests) and the same outcome (the answer, or the error's
// name and message), then rewinds the durable run past the hook's step (DBOS.rewindWorkflow):
// the replay reads the hook's outcome from its row, the hook is not called again, and the model
// is told the same words.

const model = 'gemini-2.5-flash';

class Point {
  x = 1;
  y = 2;
}

/** A value with a cycle, made afresh (a shared one would be the same object in every run). */
function cycle(): unknown {
  const node: Record<string, unknown> = { name: 'a' };
  node['self'] = node;
  return { node };
}

/** What each row's hook does: its value (the tool's result it gives), or a throw. */
type Row = {
  readonly name: string;
  readonly hook: 'afterToolCall' | 'wrapToolCall';
  /** The tool value the hook gives (`{ result }` / `{ type: 'value', value }`), made per call. */
  readonly value?: () => unknown;
  /** What the hook returns instead of a tool value (no change, or a hostile top). */
  readonly returns?: () => unknown;
  /** What the hook throws instead. */
  readonly throws?: () => unknown;
};

const rows: readonly Row[] = [
  { name: 'bigint', hook: 'afterToolCall', value: () => ({ n: 10n }) },
  { name: 'cycle', hook: 'afterToolCall', value: cycle },
  { name: 'map', hook: 'afterToolCall', value: () => ({ byId: new Map([['a', 1]]) }) },
  { name: 'set', hook: 'afterToolCall', value: () => new Set([1, 2]) },
  { name: 'typed-array', hook: 'afterToolCall', value: () => ({ bytes: new Uint8Array([1]) }) },
  { name: 'date', hook: 'afterToolCall', value: () => ({ at: new Date(0) }) },
  { name: 'instance', hook: 'afterToolCall', value: () => new Point() },
  { name: 'nested-instance', hook: 'afterToolCall', value: () => ({ at: new Point() }) },
  { name: 'negative-zero', hook: 'afterToolCall', value: () => ({ z: -0 }) },
  { name: 'nan', hook: 'afterToolCall', value: () => ({ n: Number.NaN, top: Infinity }) },
  { name: 'nan-top', hook: 'afterToolCall', value: () => Number.NaN },
  { name: 'undefined-in-array', hook: 'afterToolCall', value: () => [1, undefined, 3] },
  { name: 'undefined', hook: 'afterToolCall', value: () => undefined },
  { name: 'null', hook: 'afterToolCall', value: () => null },
  { name: 'string', hook: 'afterToolCall', value: () => 'plain words' },
  {
    name: 'getter-throws',
    hook: 'afterToolCall',
    value: () => ({
      get bad(): never {
        throw new Error('getter broke');
      },
    }),
  },
  {
    name: 'proxy',
    hook: 'afterToolCall',
    value: () =>
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('trap broke');
          },
          ownKeys: () => {
            throw new Error('trap broke');
          },
        },
      ),
  },
  { name: 'returns-null', hook: 'afterToolCall', returns: () => null },
  { name: 'throws-object', hook: 'afterToolCall', throws: () => ({ code: 5 }) },
  { name: 'throws-string', hook: 'afterToolCall', throws: () => 'string thrown' },
  { name: 'throws-null', hook: 'afterToolCall', throws: () => null },
  { name: 'wrap-map', hook: 'wrapToolCall', value: () => ({ byId: new Map([['a', 1]]) }) },
  { name: 'wrap-instance', hook: 'wrapToolCall', value: () => new Point() },
  { name: 'wrap-nan', hook: 'wrapToolCall', value: () => ({ n: Number.NaN }) },
  { name: 'wrap-cycle', hook: 'wrapToolCall', value: cycle },
];

/** How many times each row's hook was called (a replay must not call it). */
const calls = new Map<string, number>();

const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => ({ found: q }),
});

/** The third party's plugin for a row, made afresh for each agent (in process and durable alike). */
function pluginOf(row: Row): AgentPlugin {
  const hook = (): unknown => {
    calls.set(row.name, (calls.get(row.name) ?? 0) + 1);
    if (row.throws !== undefined) throw row.throws();
    if (row.returns !== undefined) return row.returns();
    return row.hook === 'afterToolCall'
      ? { result: row.value?.() }
      : { type: 'value', value: row.value?.() };
  };
  return row.hook === 'afterToolCall'
    ? definePlugin({
        name: 'third-party',
        recorded: ['afterToolCall'],
        afterToolCall: hook as never,
      })
    : definePlugin({
        name: 'third-party',
        recorded: ['wrapToolCall'],
        wrapToolCall: (async (_draft: unknown, next: () => Promise<unknown>) => {
          await next();
          return hook();
        }) as never,
      });
}

/** One lookup, then the model answers with what it was told. */
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
  databaseUrl = await workerDatabase('hostile_tool_hook_parity');
  const gemini = createGemini({ apiKey: 'k', baseUrl: fake.url, retry: { maxRetries: 0 } });
  const agents = Object.fromEntries(
    rows.map((row) => [row.name, { gemini, model, tools: [lookup], plugins: [pluginOf(row)] }]),
  );
  worker = await startDurableWorker({
    databaseUrl,
    executorId: 'hostile-tool-hook-parity',
    agents,
    logLevel: 'error',
  });
}, 120_000);

afterAll(async () => {
  await worker?.shutdown();
  await fake?.close();
});

/** A run's outcome as compared: its answer, or its error's name and message. */
type Outcome = { readonly text?: string; readonly error?: { name: string; message: string } };

function failed(error: unknown): Outcome {
  const { name, message } = error as Error;
  return { error: { name, message } };
}

/** The contents of each request a run sent the model, without the call ids (made per run). */
function contentsOf(requests: readonly { body: unknown }[]): unknown[] {
  return requests.map((request) =>
    JSON.parse(
      JSON.stringify((request.body as { contents: unknown }).contents, (key, value) =>
        key === 'id' ? undefined : value,
      ),
    ),
  );
}

/** The same plugin in process: `run()` or `stream()`, its outcome and the contents sent. */
async function inProcess(
  row: Row,
  mode: 'run' | 'stream',
): Promise<{ outcome: Outcome; contents: unknown[] }> {
  const local = createFakeGemini({ script: script as never });
  const agent = createAgent({
    gemini: createGemini({ apiKey: 'k', fetch: local.fetch, retry: { maxRetries: 0 } }),
    model,
    tools: [lookup],
    plugins: [pluginOf(row)],
  });
  const input = `Go ${row.name}.`;
  let outcome: Outcome;
  if (mode === 'run')
    outcome = await agent.run(input).then((result) => ({ text: result.text }), failed);
  else {
    const stream = agent.stream(input);
    outcome = await (async () => {
      for await (const _event of stream);
      return { text: (await stream.result).text };
    })().catch(failed);
  }
  return { outcome, contents: contentsOf(local.modelRequests) };
}

/** The durable run's requests to the shared fake (its input names the row). */
function durableRequests(row: Row): { body: unknown }[] {
  return fake.modelRequests.filter((request) =>
    JSON.stringify(request.body).includes(`Go ${row.name}.`),
  );
}

/** The durable run's outcome, its error unwrapped from DurableRunError. */
async function durableOutcome(runId: string): Promise<Outcome> {
  return worker.runs.result(runId).then(
    (result) => ({ text: result.text }),
    (error: unknown) => failed((error as { cause?: unknown }).cause ?? error),
  );
}

/** The ids of the run's recorded hook steps, in order. */
async function hookSteps(runId: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: steps } = await client.query<{ id: number }>(
      `SELECT function_id AS id FROM dbos.operation_outputs
       WHERE workflow_uuid = $1 AND function_name LIKE 'gemloop.plugin%' ORDER BY function_id`,
      [runId],
    );
    return steps.map((step) => step.id);
  } finally {
    await client.end();
  }
}

describe('the same third-party tool hook in process and durable', () => {
  it.each(rows)(
    '$name ($hook): the same contents sent and the same outcome, replay included',
    async (row) => {
      const unary = await inProcess(row, 'run');
      const streamed = await inProcess(row, 'stream');
      expect(streamed).toEqual(unary);
      calls.set(row.name, 0);
      const runId = `parity-${row.name}`;
      await worker.runs.start(row.name, { runId, input: `Go ${row.name}.` });
      const durable = await durableOutcome(runId);
      expect({ outcome: durable, contents: contentsOf(durableRequests(row)) }).toEqual(unary);
      const called = calls.get(row.name);
      expect(called).toBeGreaterThan(0);
      // DBOS's replay of the finished run from the step after the hook's last: the hook's outcome
      // comes back from its row, the steps after it run again.
      const steps = await hookSteps(runId);
      expect(steps.length, runId).toBeGreaterThan(0);
      const sent = durableRequests(row).length;
      const handle = await DBOS.rewindWorkflow(runId, { startStep: (steps.at(-1) as number) + 1 });
      // Polled every 50 ms, as fleet.ts's waitFor: DBOS's own 1 s poll was most of a row's wall
      // (the replay ends in a few ms after it is taken from the queue).
      await handle.getResult({ pollingIntervalMs: 50 }).catch(() => undefined);
      expect(await durableOutcome(runId)).toEqual(unary.outcome);
      expect(calls.get(row.name)).toBe(called);
      const again = contentsOf(durableRequests(row).slice(sent));
      // A run that went on asked the model again after the hook, told the same words.
      expect(again).toEqual(unary.outcome.text === undefined ? [] : unary.contents.slice(-1));
    },
  );
});
