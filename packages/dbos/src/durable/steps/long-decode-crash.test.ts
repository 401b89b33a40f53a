// A long-decode answer (the fake's turn.continued: hand-written from @google/genai 3.1.0,
// @ai-sdk/google 4.0.121 and adk-go's continuation.go) in a durable run whose worker is SIGKILLed
// during a hop: each hop is its own model call, so its own DBOS step, and the worker that takes
// the run over replays the recorded hops and resends only the hop that was cut, with the token
// the last recorded hop gave. When that token has expired by then (a run resumed hours later),
// the step starts over and says it was billed twice.
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

const HOPS = ['Chapter one. ', 'Chapter two. ', 'The end.'];

type Body = { contents?: { parts?: { text?: string }[] }[]; continuationToken?: string };

function inputOf(body: unknown): string | undefined {
  return (body as Body).contents?.[0]?.parts?.[0]?.text;
}

function tokenOf(body: unknown): string | undefined {
  return (body as Body).continuationToken;
}

let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[];

beforeAll(async () => {
  const delayed = new Set<string>();
  fake = createFakeGemini({
    script: () => turn.continued(HOPS.map((text) => turn.text(text))),
    faults: [
      {
        // The first resend of each run waits, so the test kills its worker while it is in flight.
        fault: { type: 'latency', ms: 4000 },
        on: (call) => {
          const input = inputOf(call.body) ?? '';
          if (tokenOf(call.body) === undefined || delayed.has(input)) return false;
          delayed.add(input);
          return true;
        },
      },
    ],
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('longdecode');
  const counter = createCounter();
  const env = { DATABASE_URL: databaseUrl, FAKE_URL: fake.url, COUNTER_FILE: counter.file };
  workers = await Promise.all(
    // One worker per kill, and one to finish the last run.
    [0, 1, 2].map((index) => startWorker({ ...env, EXECUTOR_ID: `longdecode-worker-${index}` })),
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers ?? []) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
});

/** The continuation tokens of the model requests of one run, in order ('-' for none). */
function tokensOf(input: string): string[] {
  return fake.modelRequests
    .filter((request) => inputOf(request.body) === input)
    .map((request) => tokenOf(request.body) ?? '-');
}

async function killDuringSecondHop(runId: string, input: string): Promise<WorkerProcess> {
  await runs.start('longdecode', { runId, input });
  await waitFor(() => tokensOf(input).length === 2, 'the second hop to be sent');
  const executorId = (await runs.status(runId))?.executorId;
  const victim = workers.find((worker) => worker.executorId === executorId);
  if (victim === undefined) throw new Error(`no worker owns ${runId}`);
  await crashWorker(victim);
  return victim;
}

describe('a worker killed during a long-decode answer', () => {
  it('resumes from the last recorded hop, not from the start', async () => {
    const input = 'Tell the story. (resume)';
    const victim = await killDuringSecondHop('longdecode-resume', input);
    const result = await runs.result('longdecode-resume');
    expect((await runs.status('longdecode-resume'))?.executorId).not.toBe(victim.executorId);
    expect(result.text).toBe(HOPS.join(''));
    const [first, second, again, third] = tokensOf(input);
    // The first hop was recorded: never asked again. The cut hop went out again with its token.
    expect(tokensOf(input)).toHaveLength(4);
    expect(first).toBe('-');
    expect(second).toMatch(/^fake-ct-/);
    expect(again).toBe(second);
    expect(third).toMatch(/^fake-ct-/);
    expect(third).not.toBe(second);
    const report = result.steps[0]?.continuation;
    expect(report?.hops).toHaveLength(3);
    expect(report?.restarted).toBe(false);
  });

  it('restarts the step when the token expired meanwhile, and says it was billed twice', async () => {
    const input = 'Tell the story. (expired)';
    await killDuringSecondHop('longdecode-expired', input);
    fake.expireContinuationTokens();
    const result = await runs.result('longdecode-expired');
    expect(result.text).toBe(HOPS.join(''));
    const tokens = tokensOf(input);
    // hop 1, hop 2 (killed), hop 2 again (refused: expired), then the answer from the start.
    expect(tokens).toHaveLength(6);
    expect(tokens[2]).toBe(tokens[1]);
    expect(tokens[3]).toBe('-');
    const refused = fake.modelRequests.filter(
      (request) => inputOf(request.body) === input && request.status === 400,
    );
    expect(refused).toHaveLength(1);
    const report = result.steps[0]?.continuation;
    expect(report?.restarted).toBe(true);
    expect(report?.hops).toHaveLength(3);
    expect(report?.discardedUsage?.totalTokenCount).toBeGreaterThan(0);
  });
});
