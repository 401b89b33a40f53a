import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDurableRuns, DurableRunError, type DurableRuns } from '@gemloop/dbos';
import type { FakeGemini } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANSWER,
  createScriptedFake,
} from '../../packages/dbos/src/__fixtures__/scripted-crash-fake.ts';
import { databaseEnv } from '../test/__fixtures__/database-env.ts';
import { type StartedExample, startExample } from '../test/run-example-process.ts';
import { OPERATOR_TOPIC } from './operator-channel-plugin.ts';

// The operator's channel (a third party's plugin, public imports only) in a durable run whose
// worker is SIGKILLed: `runs.send` from another process is a DBOS message the plugin's
// `run.receive` reads outside any step; DBOS records the read, so the run taken over by another
// worker receives it at the same boundary and adds the note once, never twice. Real embedded
// Postgres and DBOS, worker processes (operator-channel-worker.ts).

let fake: FakeGemini;
let runs: DurableRuns;
let env: Record<string, string>;
const workers: { executorId: string; process: StartedExample }[] = [];
const answerCalls = new Map<string, number>();
const directory = mkdtempSync(join(tmpdir(), 'gemloop-operator-'));
const counterFile = join(directory, 'calls.log');
const holdDirectory = join(directory, 'hold');
const NOTE = 'The operator says: also give the arrival day.';

const count = (prefix: string): number =>
  readFileSync(counterFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(prefix)).length;

async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  // A hang guard for a loaded machine, under the examples project's test limit.
  const deadline = Date.now() + 200_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function startWorker(executorId: string): Promise<void> {
  const started = startExample('plugins/operator-channel-worker.ts', {
    env: { ...env, EXECUTOR_ID: executorId },
  });
  workers.push({ executorId, process: started });
  await started.waitFor(/ready /);
}

async function killOwner(runId: string): Promise<string> {
  const executorId = (await runs.status(runId))?.executorId;
  const owner = workers.find((worker) => worker.executorId === executorId);
  if (owner === undefined) throw new Error(`no worker owns ${runId} (executor ${executorId})`);
  await killWorker(owner);
  return owner.executorId;
}

async function killWorker(worker: (typeof workers)[number]): Promise<void> {
  if (worker.process.child.exitCode === null && worker.process.child.signalCode === null)
    worker.process.child.kill('SIGKILL');
  await worker.process.done;
}

beforeAll(async () => {
  fake = createScriptedFake((input) => {
    answerCalls.set(input ?? '', (answerCalls.get(input ?? '') ?? 0) + 1);
  });
  await fake.listen();
  writeFileSync(counterFile, '');
  mkdirSync(holdDirectory);
  env = {
    ...(await databaseEnv('operator')),
    FAKE_URL: fake.url,
    COUNTER_FILE: counterFile,
    HOLD_DIR: holdDirectory,
  };
  // The database is a copy of a migrated one (database-env.ts), so no worker runs before the
  // first test's message is sent; a worker started and stopped here used to migrate it.
  runs = await createDurableRuns({
    databaseUrl: env['DATABASE_URL'] as string,
    pollingIntervalMs: 100,
  });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers) await killWorker(worker);
  await fake?.close();
  rmSync(directory, { recursive: true, force: true });
});

type Contents = { role?: string; parts?: { text?: string }[] }[];

/** How many times each model request of the run (its input first) carries the note. */
function notesSent(input: string): number[] {
  return fake.modelRequests
    .map((request) => (request.body as { contents?: Contents }).contents ?? [])
    .filter((contents) => contents[0]?.parts?.[0]?.text === input)
    .map(
      (contents) =>
        contents.filter((content) => content.role === 'user' && content.parts?.[0]?.text === NOTE)
          .length,
    );
}

async function operatorEvents(runId: string): Promise<string[]> {
  const seen: string[] = [];
  for await (const { event } of runs.events(runId)) {
    if (event.type === 'plugin' && event.plugin === 'operator-channel')
      seen.push(`${event.kind} ${event.stepNumber}`);
  }
  return seen;
}

describe('operatorChannel in a durable run, its worker SIGKILLed', () => {
  it('a note the run received before the kill is added once, never again on the replay', async () => {
    const input = 'Where is order 7? (note read)';
    writeFileSync(join(holdDirectory, 'note-read'), '');
    // Sent before any worker runs: the run's first boundary reads it (a topic's first receive
    // always reads), whatever the machine's load.
    const { runId } = await runs.start('operated', { runId: 'note-read', input });
    await runs.send(runId, OPERATOR_TOPIC, { note: NOTE });
    await Promise.all(['operator-0', 'operator-1', 'operator-2'].map(startWorker));
    await waitFor(() => count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    const victim = await killOwner(runId);
    rmSync(join(holdDirectory, runId));

    const result = await runs.result(runId);
    expect((await runs.status(runId))?.executorId).not.toBe(victim);
    expect(result.text).toBe(ANSWER);
    // Each request of the run carries the note once: the two before the kill and the answer's
    // (the replay got the recorded read back and consumed nothing again).
    expect(notesSent(input)).toEqual([1, 1, 1]);
    const notes = (result.contents as Contents).filter(
      (content) => content.parts?.[0]?.text === NOTE,
    );
    expect(notes).toHaveLength(1);
    expect(await operatorEvents(runId)).toEqual(['received 1', 'applied 1']);
  });

  it('a note sent before the boundary, the worker killed before reading it, is added once', async () => {
    const input = 'Where is order 7? (note unread)';
    writeFileSync(join(holdDirectory, 'note-unread'), '');
    const { runId } = await runs.start('operated', { runId: 'note-unread', input });
    await waitFor(() => count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    await runs.send(runId, OPERATOR_TOPIC, { note: NOTE }, { idempotencyKey: 'note-1' });
    // The same key again (a caller retrying): sent once.
    await runs.send(runId, OPERATOR_TOPIC, { note: NOTE }, { idempotencyKey: 'note-1' });
    const victim = await killOwner(runId);
    rmSync(join(holdDirectory, runId));

    const result = await runs.result(runId);
    expect((await runs.status(runId))?.executorId).not.toBe(victim);
    expect(result.text).toBe(ANSWER);
    expect(count(`done slow ${runId}:`)).toBe(1);
    expect(notesSent(input)).toEqual([0, 0, 1]);
    expect(await operatorEvents(runId)).toEqual(['received 3', 'applied 3']);
  });

  it('refuses a send to an unknown or finished run, a bad topic and a bad value', async () => {
    await expect(runs.send('no-such-run', OPERATOR_TOPIC, { note: 'x' })).rejects.toMatchObject({
      name: 'DurableRunError',
      status: 'NOT_FOUND',
    });
    await expect(runs.send('note-read', OPERATOR_TOPIC, { note: 'x' })).rejects.toBeInstanceOf(
      DurableRunError,
    );
    await expect(runs.send('note-read', 'gemloop.steer', 'x')).rejects.toMatchObject({
      name: 'RunMessageError',
      reason: 'invalid-topic',
    });
    await expect(runs.send('note-read', 'a b', 'x')).rejects.toMatchObject({
      reason: 'invalid-topic',
    });
    await expect(runs.send('note-read', OPERATOR_TOPIC, undefined)).rejects.toMatchObject({
      reason: 'invalid-value',
    });
    await expect(
      runs.send('note-read', OPERATOR_TOPIC, 'x'.repeat(300 * 1024)),
    ).rejects.toMatchObject({
      reason: 'too-large',
    });
    await expect(
      runs.send('note-read', OPERATOR_TOPIC, 'x', { idempotencyKey: '' }),
    ).rejects.toMatchObject({ name: 'InvalidArgumentError' });
  });
});
