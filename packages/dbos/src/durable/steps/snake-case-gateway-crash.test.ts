// Durable runs against a gateway that answers in the proto field names (`function_call`,
// `finish_reason`, `usage_metadata`, `continuation_token`: the fake's `snake-case` gateway
// mistake), their worker SIGKILLed mid-run. The durable model step records each answer as the
// gateway wrote it and the loop (and, for a long-decode answer, the continuation plugin's hops)
// read it as camelCase after it, on the first run and on the replay alike: the run taken over
// reads the same as an uninterrupted one (snake44 left this untested).
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
import { ANSWER, scriptedCrashTurn } from '../../__fixtures__/scripted-crash-fake.ts';
import { createDurableRuns, type DurableRunResult, type DurableRuns } from '../../index.ts';

const HOPS = ['Chapter one. ', 'Chapter two. ', 'The end.'];

type Body = { contents?: { parts?: { text?: string }[] }[]; continuationToken?: string };

function inputOf(body: unknown): string | undefined {
  return (body as Body).contents?.[0]?.parts?.[0]?.text;
}

function tokenOf(body: unknown): string | undefined {
  return (body as Body).continuationToken;
}

/** Where a test holds a run's slow tool until it has killed the worker (worker.ts HOLD_DIR). */
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[];
let counter: ReturnType<typeof createCounter>;

beforeAll(async () => {
  const delayed = new Set<string>();
  fake = createFakeGemini({
    chunkDelayMs: 40,
    signatureValidation: 'present',
    gatewayMistakes: ['snake-case'],
    // `longdecode` runs get a three-hop answer; `support` runs lookup, slow, then a streamed answer.
    script: (request, context) =>
      inputOf(request.body)?.startsWith('Tell the story.') === true
        ? turn.continued(HOPS.map((text) => turn.text(text)))
        : scriptedCrashTurn(request, context, () => {}),
    faults: [
      {
        // A killed run's second hop waits, so the test kills its worker while it is in flight.
        fault: { type: 'latency', ms: 4000 },
        on: (call) => {
          const input = inputOf(call.body) ?? '';
          if (tokenOf(call.body) === undefined || !input.endsWith('(killed)') || delayed.has(input))
            return false;
          delayed.add(input);
          return true;
        },
      },
    ],
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('snakecase');
  counter = createCounter();
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  workers = await Promise.all(
    // One worker per kill, and one to finish the last run.
    [0, 1, 2].map((index) => startWorker({ ...env, EXECUTOR_ID: `snakecase-worker-${index}` })),
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers ?? []) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

/** The continuation tokens of the model requests of one run, in order ('-' for none). */
function tokensOf(input: string): string[] {
  return fake.modelRequests
    .filter((request) => inputOf(request.body) === input)
    .map((request) => tokenOf(request.body) ?? '-');
}

async function ownerOf(runId: string): Promise<WorkerProcess> {
  const executorId = (await runs.status(runId))?.executorId;
  const owner = workers.find((worker) => worker.executorId === executorId);
  if (owner === undefined) throw new Error(`no worker owns ${runId} (executor ${executorId})`);
  return owner;
}

/**
 * What a run reads as, its input left out (each run is asked its own); `signed`: each signature
 * only as there (the fake signs each request's answer anew).
 */
function reading(result: DurableRunResult, signed = false) {
  const contents = result.contents.slice(1);
  return {
    text: result.text,
    contents: signed
      ? JSON.parse(
          JSON.stringify(contents).replace(
            /"thoughtSignature":"[^"]+"/g,
            '"thoughtSignature":"signed"',
          ),
        )
      : contents,
    usage: result.usage,
    cost: result.cost,
    steps: result.steps.map((step) => ({
      finishReason: step.finishReason,
      usage: step.usage,
      calls: step.toolCalls.map((call) => [call.toolName, call.rawArgs, call.outcome]),
      hops: step.continuation?.hops,
    })),
  };
}

describe('a durable run against a snake_case gateway, its worker killed', () => {
  it('in the middle of a tool call: the run taken over reads as an uninterrupted one', async () => {
    const intact = await runs.result(
      (await runs.start('support', { runId: 'snake-intact', input: 'Where is order 7? (intact)' }))
        .runId,
    );
    // Read as camelCase: the calls run (the gateway wrote `function_call`), the usage counted
    // (`usage_metadata`: 25 + 25 + 70), the streamed answer finished (`finish_reason`).
    expect(intact.text).toBe(ANSWER);
    expect(intact.steps.map((step) => step.toolCalls.map((call) => call.toolName))).toEqual([
      ['lookup'],
      ['slow'],
      [],
    ]);
    expect(intact.usage.totalTokenCount).toBe(120);

    const before = fake.modelRequests.length;
    writeFileSync(join(holdDirectory, 'snake-killed'), '');
    const { runId } = await runs.start('support', {
      runId: 'snake-killed',
      input: 'Where is order 7? (killed)',
    });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    const victim = await ownerOf(runId);
    await crashWorker(victim);
    rmSync(join(holdDirectory, runId));
    const result = await runs.result(runId);
    expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(reading(result)).toEqual(reading(intact));
    // The recorded answers were replayed, read as camelCase again: no model call was made twice.
    expect(fake.modelRequests.length - before).toBe(3);
  });

  it('during a long-decode hop: the recorded hop is replayed, the cut one resent with its token', async () => {
    const intact = await runs.result(
      (
        await runs.start('longdecode', {
          runId: 'snake-hops-intact',
          input: 'Tell the story. (intact)',
        })
      ).runId,
    );
    expect(intact.text).toBe(HOPS.join(''));
    expect(intact.steps[0]?.continuation?.hops.map((hop) => hop.finishReason)).toEqual([
      'CONTINUATION',
      'CONTINUATION',
      'STOP',
    ]);

    const input = 'Tell the story. (killed)';
    await runs.start('longdecode', { runId: 'snake-hops-killed', input });
    await waitFor(() => tokensOf(input).length === 2, 'the second hop to be sent');
    const victim = await ownerOf('snake-hops-killed');
    await crashWorker(victim);
    const result = await runs.result('snake-hops-killed');
    expect((await runs.status('snake-hops-killed'))?.executorId).not.toBe(victim.executorId);
    const [first, second, again, third] = tokensOf(input);
    // The first hop (its `continuation_token` read from the record) was never asked again.
    expect(tokensOf(input)).toHaveLength(4);
    expect(first).toBe('-');
    expect(second).toMatch(/^fake-ct-/);
    expect(again).toBe(second);
    expect(third).toMatch(/^fake-ct-/);
    expect(reading(result, true)).toEqual(reading(intact, true));
    // Each hop's part kept its own signature (three signed parts, as the intact run's).
    expect(JSON.stringify(result.contents).match(/"thoughtSignature"/g)).toHaveLength(3);
    expect(result.steps[0]?.continuation?.restarted).toBe(false);
  });
});
