// A durable run whose worker is SIGKILLed while `read_tool_output` runs: the artifact the run's
// `toolOutput` budget wrote to Postgres before the crash (named by the recorded model step) is
// read by the worker that takes the run over, which runs the read again with the same id.

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
} from '../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../index.ts';

let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[];
let counter: ReturnType<typeof createCounter>;

/** Where the test holds read_tool_output until it has killed the worker (worker.ts HOLD_DIR). */
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

beforeAll(async () => {
  fake = createFakeGemini({
    script: (request) => {
      const sent = JSON.stringify(request.body);
      if (sent.includes('THE-END-IS-KEPT-ASIDE'))
        return turn.text('It ends: THE-END-IS-KEPT-ASIDE');
      const marker = /read_tool_output with id \\"([^"\\]+)\\"/.exec(sent);
      if (marker !== null) {
        return turn.call('read_tool_output', {
          id: marker[1] as string,
          offset: 2000,
          length: 1000,
        });
      }
      return turn.call('long_document', {});
    },
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('artifactcrash');
  counter = createCounter();
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    // Held through the kill (HOLD_DIR); the read of the worker that took over need not wait.
    READ_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `artifact-worker-${index}` })),
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  rmSync(holdDirectory, { recursive: true, force: true });
  await runs?.close();
  for (const worker of workers ?? []) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
});

describe('a worker killed while the model reads a kept tool result back', () => {
  it('the artifact written before the crash is read after it', async () => {
    const runId = 'artifact-crash';
    // read_tool_output waits until the worker is killed (a timer would race the kill).
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('artifacts', { runId, input: 'How does the document end?' });
    await waitFor(() => counter.count('start read') > 0, 'read_tool_output to start');
    const [started] = counter.lines().filter((line) => line.startsWith('start read '));
    const id = started?.slice('start read '.length);
    const executorId = (await runs.status(runId))?.executorId;
    const victim = workers.find((worker) => worker.executorId === executorId);
    if (victim === undefined) throw new Error(`no worker owns ${runId}`);
    await crashWorker(victim, () => rmSync(join(holdDirectory, runId)));

    const result = await runs.result(runId);
    expect(result.text).toBe('It ends: THE-END-IS-KEPT-ASIDE');
    // The read ran again on the other worker, with the id of the artifact written before the
    // kill (the recorded model step named it), and found it in Postgres.
    expect(counter.lines().filter((line) => line === `done read ${id}`)).toHaveLength(1);
    expect(counter.count('start read')).toBe(2);
    expect(
      counter
        .lines()
        .filter((line) => line.startsWith('start read '))
        .every((line) => line === started),
    ).toBe(true);
    // The document was read once: its recorded step was replayed.
    expect(counter.count('done long_document')).toBe(1);
  });
});
