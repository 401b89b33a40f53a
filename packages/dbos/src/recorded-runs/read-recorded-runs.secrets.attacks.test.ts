import { caseFromRunFile } from '@gemloop/evals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../__fixtures__/fleet.ts';
import { createSubagentFake, SECRET_PASSWORD } from '../__fixtures__/subagent-fake.ts';
import { createDurableRuns, type DurableRuns } from '../index.ts';
import { type DurableRecordedRun, readRecordedRuns } from './index.ts';

// Outside attack on reading a fleet's runs back as recordings (attack13): a tool's
// `secretArguments` are redacted from everything the in-process recorder writes (run files, the
// cases made of them), but the durable run's stored result holds the model's arguments as sent,
// and `readRecordedRuns` turned them into recorded lines as they were: `gemloop eval from-runs
// --database-url` wrote the password into the dataset. What the stored events say is secret (each
// tool call's `redactedArgs`) is redacted from the lines read back.

let fake: ReturnType<typeof createSubagentFake>;
let databaseUrl: string;
let runs: DurableRuns;
let worker: WorkerProcess;

beforeAll(async () => {
  fake = createSubagentFake();
  await fake.listen();
  databaseUrl = await workerDatabase('recorded-secrets');
  const counter = createCounter();
  worker = await startWorker({
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
  });
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  await runs.start('loginTop', { runId: 'secret-top', input: 'secret one' });
  expect((await runs.result('secret-top')).text).toBe('child answer to secret one');
});

afterAll(async () => {
  await runs?.close();
  if (worker !== undefined) await stopWorker(worker);
  await fake?.close();
});

describe('readRecordedRuns: a run whose tool has a secret argument', () => {
  it('reads it back with the secret redacted everywhere, and its case holds none', async () => {
    const read: DurableRecordedRun[] = [];
    for await (const run of readRecordedRuns({ databaseUrl })) read.push(run);
    expect(read.map((run) => run.runId)).toEqual(['secret-top']);
    const text = (read[0] as DurableRecordedRun).lines
      .map((line) => JSON.stringify(line))
      .join('\n');
    expect(text).not.toContain(SECRET_PASSWORD);
    // Where it was: the call's arguments, the model's answer, and the next request's history.
    expect(text).toContain('"password":"[redacted]"');
    const call = (read[0] as DurableRecordedRun).lines.find(
      (line) => line.type === 'tool-call-start',
    );
    expect(call).toMatchObject({
      toolName: 'login',
      args: { user: 'ada', password: '[redacted]' },
    });
    const evalCase = caseFromRunFile(text, 'postgres:secret-top');
    expect(JSON.stringify(evalCase)).not.toContain(SECRET_PASSWORD);
  });
});
