// Issue 53 (letters46): two README rows named no D. Vertex's streamed function-call arguments
// (`streamFunctionCallArguments`): a durable model step records a stream's chunks as they came,
// the call's arguments in pieces, so the run assembles them from the record after a SIGKILL as
// it did when they arrived. Agent Skills: a skill is read through tool calls, each a durable step.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  crashWorker,
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

type Body = {
  contents?: { parts?: { text?: string }[] }[];
  toolConfig?: { functionCallingConfig?: { streamFunctionCallArguments?: boolean } };
};

const inputOf = (body: unknown): string => String((body as Body).contents?.[0]?.parts?.[0]?.text);

/** Where the test holds a run's slow tool until it has killed the worker (worker.ts HOLD_DIR). */
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));
const counter = createCounter();
let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[] = [];

beforeAll(async () => {
  fake = createFakeGemini({
    // Each run by its input and how far it got (the model contents it sends back).
    script: (request, context) => {
      const answered = context.functionResponses.map((response) => response.name);
      if (inputOf(request.body).startsWith('Skill:')) {
        if (answered.includes('read_skill_file')) return turn.text('Order 7 shipped.');
        if (answered.includes('load_skill'))
          return turn.call('read_skill_file', { name: 'order-desk', path: 'references/tone.md' });
        return turn.call('load_skill', { name: 'order-desk' });
      }
      if (answered.includes('slow')) return turn.text('Order 7 shipped, no refund.');
      if (answered.includes('lookup')) return turn.call('slow', { order: 'seven-of-nine' });
      return turn.call('lookup', { order: 'seven-of-nine' });
    },
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('feature_rows');
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  // One worker to kill, one to take the run over.
  workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `feature-rows-${index}` })),
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

describe('streamed function-call arguments in a durable run', () => {
  it('assembles the pieces on the first run and again from the record after a SIGKILL', async () => {
    const runId = 'vertex-pieces';
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('vertexPieces', { runId, input: 'Where is order seven-of-nine?' });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    const executorId = (await runs.status(runId))?.executorId;
    const victim = workers.find((worker) => worker.executorId === executorId);
    if (victim === undefined) throw new Error(`no worker owns ${runId} (${executorId})`);
    await crashWorker(victim, () => rmSync(join(holdDirectory, runId)));
    const result = await runs.result(runId);

    expect(result.text).toBe('Order 7 shipped, no refund.');
    expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
    // Three model calls in all: the two recorded before the kill were read from the record.
    const requests = fake.modelRequests.filter((request) =>
      inputOf(request.body).includes('seven'),
    );
    expect(requests).toHaveLength(3);
    for (const request of requests) {
      // Vertex's route: only there does the fake (as Vertex) send a call's arguments in pieces.
      expect(request.url).toContain(
        '/projects/durable-project/locations/us-central1/publishers/google/models/gemini-3.1-pro-preview:streamGenerateContent',
      );
      expect((request.body as Body).toolConfig?.functionCallingConfig).toEqual({
        streamFunctionCallArguments: true,
      });
    }
    // The string argument came in pieces; the tools read it whole, before and after the kill.
    expect(
      result.steps.map((step) => step.toolCalls.map((call) => [call.toolName, call.args])),
    ).toEqual([
      [['lookup', { order: 'seven-of-nine' }]],
      [['slow', { order: 'seven-of-nine' }]],
      [],
    ]);
    expect(counter.count(`done lookup ${runId}:`)).toBe(1);
    expect(counter.count(`done slow ${runId}:`)).toBe(1);
    // The history holds each call whole, as the model's part the next request sent back.
    const calls = result.contents.flatMap((content) =>
      content.parts.flatMap((part) => (part.functionCall ? [part.functionCall] : [])),
    );
    expect(calls.map((call) => [call.name, call.args, 'partialArgs' in call])).toEqual([
      ['lookup', { order: 'seven-of-nine' }, false],
      ['slow', { order: 'seven-of-nine' }, false],
    ]);
    // The run's event stream: one whole tool-call per call.
    const seen: string[] = [];
    for await (const { event } of runs.events(runId)) {
      if (event.type === 'tool-call') seen.push(`${event.toolName} ${JSON.stringify(event.args)}`);
    }
    expect(seen).toEqual(['lookup {"order":"seven-of-nine"}', 'slow {"order":"seven-of-nine"}']);
  });
});

describe('Agent Skills in a durable run', () => {
  it('loads the skill and reads its file as durable tool steps, the body in the next request', async () => {
    const runId = 'skilled';
    const result = await runs.result(
      (await runs.start('skilled', { runId, input: 'Skill: where is order 7?' })).runId,
    );
    expect(result.text).toBe('Order 7 shipped.');
    expect(
      result.steps.map((step) => step.toolCalls.map((call) => `${call.toolName} ${call.outcome}`)),
    ).toEqual([['load_skill success'], ['read_skill_file success'], []]);
    const requests = fake.modelRequests.filter((request) =>
      inputOf(request.body).startsWith('Skill:'),
    );
    expect(requests).toHaveLength(3);
    // Before the pick the model sees the list only; after, the body, then the file.
    expect(JSON.stringify(requests[0]?.body)).toContain('- order-desk: Answers where an order is.');
    expect(JSON.stringify(requests[0]?.body)).not.toContain('then wait with slow');
    expect(JSON.stringify(requests[1]?.body)).toContain('then wait with slow');
    expect(JSON.stringify(requests[2]?.body)).toContain('Say \\"shipped\\" plainly.');
    const seen: string[] = [];
    for await (const { event } of runs.events(runId)) {
      if (event.type === 'tool-result') seen.push(event.toolCall.toolName);
    }
    expect(seen).toEqual(['load_skill', 'read_skill_file']);
  });
});
