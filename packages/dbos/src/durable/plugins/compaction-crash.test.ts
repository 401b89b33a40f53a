// A durable run whose worker is SIGKILLed while its compaction's summarizer call is in flight:
// the summary is a model call through the durable client, so its own DBOS step. The worker that
// takes the run over replays the recorded steps (model calls and tools, none sent or run again),
// sends the summary request again, and the run ends with every fact still answerable from what
// it sent.

import { readFileSync } from 'node:fs';
import { DEFAULT_SUMMARY_PROMPT } from '@gemloop/core/compaction';
import { createFakeGemini, type FakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
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

const PAGES = 5;

type Body = {
  systemInstruction?: { parts?: { text?: string }[] };
  contents?: { parts?: { functionCall?: { args?: { n?: number } } }[] }[];
};

function isSummary(body: unknown): boolean {
  return (body as Body).systemInstruction?.parts?.[0]?.text === DEFAULT_SUMMARY_PROMPT;
}

const researcher: FakeScriptFunction = (request) => {
  const facts = [
    ...new Set(JSON.stringify(request.body.contents).match(/FACT-\d+: code\d+/g) ?? []),
  ];
  if (isSummary(request.body)) return turn.text(`Facts so far: ${facts.join('; ')}`);
  let last = 0;
  for (const content of (request.body as Body).contents ?? []) {
    for (const part of content.parts ?? []) last = Math.max(last, part.functionCall?.args?.n ?? 0);
  }
  if (last >= PAGES) return turn.text(`Found: ${facts.sort().join('; ')}`);
  return turn.call('page', { n: last + 1 });
};

let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[];
let counterFile: string;

beforeAll(async () => {
  let delayed = false;
  fake = createFakeGemini({
    script: researcher,
    faults: [
      {
        // The first summary request waits, so the test kills its worker while it is in flight.
        fault: { type: 'latency', ms: 4000 },
        on: (call) => {
          if (delayed || !isSummary(call.body)) return false;
          delayed = true;
          return true;
        },
      },
    ],
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('compaction');
  const counter = createCounter();
  counterFile = counter.file;
  const env = { DATABASE_URL: databaseUrl, FAKE_URL: fake.url, COUNTER_FILE: counter.file };
  workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `compaction-worker-${index}` })),
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers ?? []) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
});

describe('a worker killed during a compaction', () => {
  it('resumes at the summary: recorded steps are not sent again, the facts survive', async () => {
    const runId = 'compaction-crash';
    await runs.start('compacting', { runId, input: 'Read the pages, then list the facts.' });
    await waitFor(
      () => fake.modelRequests.some((request) => isSummary(request.body)),
      'the summary request to be sent',
    );
    const before = fake.modelRequests.filter((request) => !isSummary(request.body)).length;
    const executorId = (await runs.status(runId))?.executorId;
    const victim = workers.find((worker) => worker.executorId === executorId);
    if (victim === undefined) throw new Error(`no worker owns ${runId}`);
    await crashWorker(victim);

    const result = await runs.result(runId);
    const facts = Array.from(
      { length: PAGES },
      (_, index) => `FACT-${index + 1}: code${(index + 1) * 7}`,
    );
    expect(result.text).toBe(`Found: ${facts.sort().join('; ')}`);
    // The steps recorded before the kill were replayed, not sent again: the model calls after
    // the takeover are the summary again and the steps after it.
    const steps = fake.modelRequests.filter((request) => !isSummary(request.body)).length;
    expect(steps).toBe(PAGES + 1);
    expect(before).toBeLessThan(steps);
    expect(
      fake.modelRequests.filter((request) => isSummary(request.body)).length,
    ).toBeGreaterThanOrEqual(2);
    // Each page was read once.
    const pages = readFileSync(counterFile, 'utf8').match(/done page/g) ?? [];
    expect(pages).toHaveLength(PAGES);
    expect(result.compaction?.reports.some((report) => report.summarizedContents > 0)).toBe(true);
  });
});
