// everywhere42: this session's ForeignResponseError (a 200 body in another API's shape) in a
// durable run whose worker is SIGKILLed between the failure's record and the run's end: the run
// (and a parent whose durable subagent failed with it) ends the same way on the replay, and
// `runs.result()` tells the class, code and `format` (new-errors-worker.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ForeignResponseError, SubagentError } from '@gemloop/core/errors';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, DurableRunError, type DurableRuns } from '../../index.ts';

const CHAT_COMPLETION = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'gpt-4o',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
});

const script = new URL('../../__fixtures__/new-errors-worker.ts', import.meta.url).pathname;
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-everywhere42-'));
const counter = createCounter();
let fake: FakeGemini;
let foreign: Server;
let runs: DurableRuns;
let env: Record<string, string>;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  fake = createFakeGemini({ script: () => turn.call('foreigner', { task: 'Ask it.' }) });
  await fake.listen();
  // An OpenAI-compatible route: every request, unary or streamed, gets a chat completion.
  foreign = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url?.includes(':streamGenerateContent') === true) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end(`data: ${CHAT_COMPLETION}\n\n`);
      } else {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(CHAT_COMPLETION);
      }
    });
  });
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  const { port } = foreign.address() as AddressInfo;
  env = {
    DATABASE_URL: await workerDatabase('everywhere42'),
    FAKE_URL: fake.url,
    FOREIGN_URL: `http://127.0.0.1:${port}`,
    COUNTER_FILE: counter.file,
    HOLD_DIR: holdDirectory,
  };
  runs = await createDurableRuns({
    databaseUrl: env['DATABASE_URL'] as string,
    pollingIntervalMs: 100,
  });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  await new Promise((resolve) => foreign?.close(resolve));
  rmSync(holdDirectory, { recursive: true, force: true });
});

const start = async (index: number): Promise<WorkerProcess> => {
  const worker = await startWorker({ ...env, EXECUTOR_ID: `everywhere42-${index}` }, script);
  workers.push(worker);
  return worker;
};

/** Starts `agent`'s run held at its end, kills its worker there, and reads both ends and the result. */
async function killedAtEnd(agent: string, runId: string, index: number) {
  writeFileSync(join(holdDirectory, runId), '');
  // One live worker per test: the previous test's stops here.
  for (const worker of workers.splice(0)) await stopWorker(worker, 'SIGKILL');
  await start(index);
  await runs.start(agent, { runId, input: runId });
  await waitFor(() => counter.count(`end ${runId} `) === 1, `${runId} to end`);
  // The worker that holds the run (any live one may have taken it from the queue) dies there.
  const executorId = (await runs.status(runId))?.executorId;
  const owner = workers.find((worker) => worker.executorId === executorId);
  if (owner === undefined) throw new Error(`no worker owns ${runId}`);
  await stopWorker(owner, 'SIGKILL');
  rmSync(join(holdDirectory, runId));
  // Started again under the same executor id, DBOS recovers the run (its replay).
  workers.push(await startWorker({ ...env, EXECUTOR_ID: owner.executorId as string }, script));
  const error = await runs.result(runId).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  await waitFor(() => counter.count(`end ${runId} `) === 2, `${runId} to end again`, 60_000);
  const ends = counter
    .lines()
    .filter((line) => line.startsWith(`end ${runId} `))
    .map((line) => JSON.parse(line.slice(`end ${runId} `.length)) as unknown[]);
  return { error, ends };
}

describe('a ForeignResponseError in a durable run killed before its end', () => {
  it('ends the replay with the same typed error, and runs.result() tells its class, code and format', async () => {
    const { error, ends } = await killedAtEnd('stray', 'stray-crash', 0);
    expect(ends).toHaveLength(2);
    // The replay reads the recorded answer and fails on it as the first execution did: typed.
    expect(ends[1]).toEqual(ends[0]);
    expect(ends[0]?.slice(0, 4)).toEqual([
      'ForeignResponseError',
      'foreign-response',
      'openai-chat-completion',
      true,
    ]);
    expect(DurableRunError.isInstance(error)).toBe(true);
    expect((error as DurableRunError).cause).toMatchObject({
      name: 'ForeignResponseError',
      code: 'foreign-response',
      format: 'openai-chat-completion',
    });
    // The class itself, as in process (errors43): read back after the SIGKILL and the replay.
    const cause = (error as DurableRunError).cause;
    expect(ForeignResponseError.isInstance(cause)).toBe(true);
    expect(cause).toBeInstanceOf(ForeignResponseError);
  });

  it("a durable subagent's ForeignResponseError is its parent's SubagentError cause on the replay too", async () => {
    const { error, ends } = await killedAtEnd('relay', 'relay-crash', 1);
    expect(ends).toHaveLength(2);
    // In the first execution the child's error was read from its workflow's row, as on the replay.
    expect(ends[1]).toEqual(ends[0]);
    expect(ends[0]).toEqual([
      'SubagentError',
      'subagent',
      null,
      false,
      'ForeignResponseError',
      'foreign-response',
      'openai-chat-completion',
      // A child's stored error is rebuilt as its class for the parent (errors43: it was a plain
      // Error with the class's name, code and fields), on the first execution and the replay.
      true,
    ]);
    const told = (error as DurableRunError).cause;
    expect(told).toMatchObject({ name: 'SubagentError', code: 'subagent' });
    // Read back by this process from the row the restarted worker wrote: typed, the child's
    // error under it too (errors43).
    expect(SubagentError.isInstance(told)).toBe(true);
    expect(ForeignResponseError.isInstance((told as SubagentError).cause)).toBe(true);
  });
});
