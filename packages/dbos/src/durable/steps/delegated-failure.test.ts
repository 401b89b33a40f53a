import { type AgentResult, createAgent, createGemini, defineTool } from '@gemloop/core';
import { DelegatedFailure, delegatedFailureOf } from '@gemloop/core/internal';
import type { GenerateContentResponse } from '@gemloop/core/wire';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
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
import { recordedError, thrownFromRecord } from './recorded-error.ts';

// A tool that throws core's DelegatedFailure (what `a2aAgent` of @gemloop/serve throws for a remote
// task that ended failed, rejected or canceled; the worker fixture's `ask_remote`) fails its call
// in a durable run exactly as in process: the model reads the delegate's words once, the call is a
// `tool-error` with `execution-error`, on the first run and on a replay after a SIGKILL alike.
// Before (leftovers52 noticed), the step stored it as a plain error and the loop prefixed it
// again: `ask_remote failed: The remote agent support failed the task: ...`.

const WORDS = 'The remote agent support failed the task: the ledger is closed';
/** What the worker's `spendingAsker` tool says its delegate spent (__fixtures__/worker.ts). */
const DELEGATE_USAGE = {
  promptTokenCount: 1000,
  candidatesTokenCount: 200,
  thoughtsTokenCount: 0,
  toolUsePromptTokenCount: 0,
  cachedContentTokenCount: 0,
  totalTokenCount: 1200,
};
const DELEGATE_COST = {
  currency: 'USD' as const,
  total: '0.0123',
  input: '0.0100',
  cachedInput: '0',
  output: '0.0023',
  thinking: '0',
};
type Body = { contents?: { role?: string; parts?: Record<string, unknown>[] }[] };

let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[];
let counter: ReturnType<typeof createCounter>;
/** The answer calls held until the test lets go, by the run's input. */
const holds = new Map<string, { reached: boolean; release: () => void; released: Promise<void> }>();

const firstText = (body: Body): string => String(body.contents?.[0]?.parts?.[0]?.['text'] ?? '');
/** The function responses a request sends (what the model is told of each call). */
const responsesOf = (body: Body): unknown[] =>
  (body.contents ?? []).flatMap((content) =>
    (content.parts ?? []).flatMap((part) =>
      part['functionResponse'] === undefined
        ? []
        : [(part['functionResponse'] as { response?: unknown }).response],
    ),
  );

function callTurn(): GenerateContentResponse[] {
  return [
    {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              {
                functionCall: { name: 'ask_remote', args: { question: 'ledger?' }, id: 'call-1' },
                thoughtSignature: Buffer.from('sig-call').toString('base64'),
              },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
      modelVersion: 'gemini-3-flash-preview',
    },
  ];
}

function answerTurn(): GenerateContentResponse[] {
  return [
    {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ text: 'The remote could not.', thoughtSignature: 'c2ln' }],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 5, totalTokenCount: 25 },
      modelVersion: 'gemini-3-flash-preview',
    },
  ];
}

beforeAll(async () => {
  fake = createFakeGemini({
    signatureValidation: 'present',
    script: async (request) => {
      const body = request.body as Body;
      if (responsesOf(body).length === 0) return turn.raw(callTurn());
      const hold = holds.get(firstText(body));
      if (hold !== undefined && !hold.reached) {
        hold.reached = true;
        await hold.released;
      }
      return turn.raw(answerTurn());
    },
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('delegated');
  counter = createCounter();
  const env = { DATABASE_URL: databaseUrl, FAKE_URL: fake.url, COUNTER_FILE: counter.file };
  workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `delegated-worker-${index}` })),
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  for (const hold of holds.values()) hold.release();
  await runs?.close();
  for (const worker of workers ?? []) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
});

/** The worker's `asker`, in this process against the same fake. */
function inProcessAsker() {
  const gemini = createGemini({ apiKey: 'test-key', baseUrl: fake.url, retry: { maxRetries: 0 } });
  const askRemote = defineTool({
    name: 'ask_remote',
    description: 'Asks the remote support agent.',
    parameters: z.object({ question: z.string() }),
    execute: async () => {
      throw new DelegatedFailure(WORDS, new Error(WORDS), undefined, undefined, undefined);
    },
  });
  return createAgent({
    gemini,
    model: 'gemini-3-flash-preview',
    instructions: 'ASKER: ask the remote.',
    tools: [askRemote],
  });
}

/** What the model was told of the call in each answer request of the run whose input is `input`. */
function toldIn(input: string): unknown[] {
  return fake.modelRequests
    .filter((request) => firstText(request.body as Body) === input)
    .flatMap((request) => responsesOf(request.body as Body));
}

/** The parent's settled calls of a durable run, from its stored events. */
async function settledEvents(runId: string): Promise<string[]> {
  const settled: string[] = [];
  for await (const { event } of runs.events(runId)) {
    if (event.type === 'tool-error')
      settled.push(`tool-error:${event.outcome}:${event.toolCall.error}`);
    if (event.type === 'tool-result') settled.push('tool-result');
  }
  return settled;
}

describe('a delegated failure in a durable run', () => {
  it('tells the model the delegate’s words once, as in process (run and stream)', async () => {
    const asker = inProcessAsker();
    const unary = await asker.run('ask inproc');
    const streamed = await asker.stream('ask inproc stream').result;
    for (const result of [unary, streamed]) {
      expect(result.steps[0]?.toolCalls[0]).toMatchObject({
        outcome: 'execution-error',
        error: WORDS,
      });
    }
    expect(toldIn('ask inproc')).toEqual([{ error: WORDS }]);
    expect(toldIn('ask inproc stream')).toEqual([{ error: WORDS }]);

    const runId = 'delegated-first';
    await runs.start('asker', { runId, input: 'ask durable' });
    const result = (await runs.result(runId)) as AgentResult<unknown>;
    expect(result.text).toBe(unary.text);
    expect(result.steps[0]?.toolCalls[0]).toMatchObject({
      outcome: 'execution-error',
      error: WORDS,
    });
    expect(toldIn('ask durable')).toEqual([{ error: WORDS }]);
    expect(await settledEvents(runId)).toEqual([`tool-error:execution-error:${WORDS}`]);
  });

  it('tells it the same words on a replay after a SIGKILL, without running the tool again', async () => {
    const input = 'ask durable crash';
    let release = (): void => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const hold = { reached: false, release, released };
    holds.set(input, hold);
    const runId = 'delegated-crash';
    await runs.start('asker', { runId, input });
    // The tool's step is recorded and the answer call is out: kill the worker holding the run.
    await waitFor(() => hold.reached, 'the run’s answer call');
    const executorId = (await runs.status(runId))?.executorId;
    const victim = workers.find((worker) => worker.executorId === executorId);
    if (victim === undefined) throw new Error(`no worker owns ${runId}`);
    await crashWorker(victim, release);

    const result = (await runs.result(runId)) as AgentResult<unknown>;
    expect(result.steps[0]?.toolCalls[0]).toMatchObject({
      outcome: 'execution-error',
      error: WORDS,
    });
    // The answer call made twice (before and after the kill), each telling the same words; the
    // tool ran once: the replay took its recorded outcome.
    expect(toldIn(input)).toEqual([{ error: WORDS }, { error: WORDS }]);
    expect(counter.count(`start ask_remote ${runId}:`)).toBe(1);
    expect(await settledEvents(runId)).toContain(`tool-error:execution-error:${WORDS}`);
  });

  // A custom tool's failure that knows what its delegate spent (leftovers54): in process the run
  // counts that usage and cost; the durable step kept the words alone, so a durable run's totals
  // left it out (as a remote agent's unknown spending).
  it('counts what the delegate spent in the run’s usage and cost, as in process', async () => {
    const gemini = createGemini({
      apiKey: 'test-key',
      baseUrl: fake.url,
      retry: { maxRetries: 0 },
    });
    const spender = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      instructions: 'ASKER: ask the remote.',
      tools: [
        defineTool({
          name: 'ask_remote',
          description: 'Asks the remote support agent.',
          parameters: z.object({ question: z.string() }),
          execute: async () => {
            throw new DelegatedFailure(
              WORDS,
              new Error(WORDS),
              DELEGATE_USAGE,
              DELEGATE_COST,
              undefined,
            );
          },
        }),
      ],
    });
    const inProcess = await spender.stream('spend inproc').result;
    expect(inProcess.usage.promptTokenCount).toBeGreaterThan(DELEGATE_USAGE.promptTokenCount);

    const runId = 'delegated-spent';
    await runs.start('spendingAsker', { runId, input: 'spend durable' });
    const result = (await runs.result(runId)) as AgentResult<unknown>;
    expect(result.steps[0]?.toolCalls[0]).toMatchObject({
      outcome: 'execution-error',
      error: WORDS,
      usage: DELEGATE_USAGE,
      cost: DELEGATE_COST,
    });
    expect(result.usage).toEqual(inProcess.usage);
    expect(result.cost).toEqual(inProcess.cost);
    expect(counter.count(`start ask_spender ${runId}:`)).toBe(1);
  });
});

describe('the step record of a delegated failure', () => {
  it('is rebuilt, through the JSON DBOS stores, as a delegated failure of the same safe words', () => {
    const key = 'sk-gw_Secret-0123456789ABCDEFghij';
    const thrown = new DelegatedFailure(
      `${WORDS} (${key})`,
      new Error('raw'),
      undefined,
      undefined,
      undefined,
    );
    const stored = JSON.parse(JSON.stringify(recordedError(thrown, [key])));
    const rebuilt = thrownFromRecord(stored);
    const failure = delegatedFailureOf(rebuilt);
    expect(failure).toBeDefined();
    expect(failure?.message).toContain(WORDS);
    expect(failure?.message).not.toContain(key);
    // As a2aAgent throws it: an Error of the words as its cause, no usage (a remote's is unknown).
    expect((failure?.cause as Error | undefined)?.message).toBe(failure?.message);
    expect(failure?.usage).toBeUndefined();
  });

  it('keeps what the delegate spent beside the words, and none of a row of another shape', () => {
    const thrown = new DelegatedFailure(WORDS, new Error('raw'), DELEGATE_USAGE, DELEGATE_COST, {
      total: 12_300_000_000n,
      input: 10_000_000_000n,
      cachedInput: 0n,
      output: 2_300_000_000n,
      thinking: 0n,
    });
    const stored = JSON.parse(JSON.stringify(recordedError(thrown, [])));
    const failure = delegatedFailureOf(thrownFromRecord(stored));
    expect(failure?.usage).toEqual(DELEGATE_USAGE);
    expect(failure?.cost).toEqual(DELEGATE_COST);
    // The pico-dollar sum is not stored (a BigInt): the run prices `cost` again.
    expect(failure?.priced).toBeUndefined();
    const odd = thrownFromRecord({
      ...stored,
      usage: { ...DELEGATE_USAGE, promptTokenCount: 'many' },
      cost: { total: '1' },
    });
    expect(delegatedFailureOf(odd)?.usage).toBeUndefined();
    expect(delegatedFailureOf(odd)?.cost).toBeUndefined();
  });

  it('leaves a plain thrown error plain', () => {
    const stored = JSON.parse(JSON.stringify(recordedError(new Error(WORDS), [])));
    expect(stored).not.toHaveProperty('delegated');
    expect(delegatedFailureOf(thrownFromRecord(stored))).toBeUndefined();
  });
});
