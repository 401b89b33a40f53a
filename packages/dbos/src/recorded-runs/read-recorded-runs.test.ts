import { createAgent, defineTool, InvalidArgumentError } from '@gemloop/core';
import type { RecordedRunLine } from '@gemloop/core/recorder';
import {
  caseFromRunFile,
  type EvalAgentContext,
  type EvalCase,
  exactMatch,
  runEval,
  toolTrajectory,
} from '@gemloop/evals';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns, PostgresUnreachableError } from '../index.ts';
import { type DurableRecordedRun, readRecordedRuns } from './index.ts';

/** lookup → slow → answer: one run is three model calls and two tools (as in durable-run.test.ts). */
function supportScript(): Parameters<typeof createFakeGemini>[0] {
  return {
    script: (_request, context) => {
      const answered = context.functionResponses.map((response) => response.name);
      if (answered.includes('slow'))
        return turn.text(`Order ${/\d+/.exec(context.lastUserText ?? '')?.[0]} shipped.`);
      if (answered.includes('lookup')) return turn.call('slow', { order: '7' });
      return turn.call('lookup', { order: '7' });
    },
  };
}

/**
 * The worker's `support` agent (`__fixtures__/worker.ts`: same model, tool names, descriptions and
 * schemas), its tools answering from the recording; `instructions` changes its prompt.
 */
function supportAgent(context: EvalAgentContext, instructions?: string) {
  const recorded = (name: string) => async (args: unknown) => {
    const found = context.recordedToolOutput(name, args);
    if (!found.found) throw new Error(`no recorded ${name} call with these arguments`);
    return found.output;
  };
  return createAgent({
    gemini: context.gemini,
    model: 'gemini-3-flash-preview',
    ...(instructions === undefined ? {} : { instructions }),
    tools: [
      defineTool({
        name: 'lookup',
        description: 'Looks an order up.',
        parameters: z.object({ order: z.string() }),
        execute: recorded('lookup'),
      }),
      defineTool({
        name: 'slow',
        description: 'Takes a while.',
        parameters: z.object({ order: z.string() }),
        execute: recorded('slow'),
      }),
    ],
  });
}

async function readAll(
  options: Parameters<typeof readRecordedRuns>[0],
): Promise<DurableRecordedRun[]> {
  const runs: DurableRecordedRun[] = [];
  for await (const run of readRecordedRuns(options)) runs.push(run);
  return runs;
}

const requestsOf = (run: DurableRecordedRun) =>
  run.lines.flatMap((line) =>
    line.type === 'model-call-start' ? [line.request as Record<string, unknown>] : [],
  );

const toCase = (run: DurableRecordedRun): EvalCase => {
  const text = run.lines.map((line: RecordedRunLine) => JSON.stringify(line)).join('\n');
  const evalCase = caseFromRunFile(text, `postgres:${run.runId}`);
  if (evalCase === undefined) throw new Error(`run ${run.runId} made no case`);
  return evalCase;
};

describe('readRecordedRuns: a fleet runs as recorded runs, replayed as evals', () => {
  let fake: FakeGemini;
  let databaseUrl: string;
  let runs: DurableRuns;
  let worker: WorkerProcess;
  const counter = createCounter();

  beforeAll(async () => {
    fake = createFakeGemini(supportScript());
    await fake.listen();
    databaseUrl = await workerDatabase('recorded');
    worker = await startWorker({
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      SLOW_MS: '10',
    });
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
    // One after the other, so the fake's requests 0-2 are the first run's and 3-5 the second's.
    for (const [runId, input] of [
      ['order-1', 'Where is order 1?'],
      ['order-2', 'Where is order 2?'],
    ] as const) {
      await runs.start('support', { runId, input });
      await runs.result(runId);
    }
  });

  afterAll(async () => {
    await runs?.close();
    if (worker !== undefined) await stopWorker(worker);
    await fake?.close();
  });

  it('rebuilds each model call with what the worker really sent, and the tool results', async () => {
    const read = await readAll({ databaseUrl });
    expect(read.map((run) => run.runId)).toEqual(['order-2', 'order-1']);
    expect(read.map((run) => run.agent)).toEqual(['support', 'support']);
    // No subagent: the lines are the whole run (child-workflows.test.ts reads a run with some).
    expect(read.map((run) => run.hasSubagents)).toEqual([false, false]);
    const sent = fake.modelRequests.map((request) => request.body as Record<string, unknown>);
    expect(sent).toHaveLength(6);
    const [second, first] = read as [DurableRecordedRun, DurableRecordedRun];
    for (const [run, bodies] of [
      [first, sent.slice(0, 3)],
      [second, sent.slice(3, 6)],
    ] as const) {
      const requests = requestsOf(run);
      expect(requests).toHaveLength(3);
      requests.forEach((request, call) => {
        const body = bodies[call] as Record<string, unknown>;
        for (const key of [
          'contents',
          'systemInstruction',
          'tools',
          'toolConfig',
          'generationConfig',
        ]) {
          expect({ call, key, value: request[key] }).toEqual({ call, key, value: body[key] });
        }
      });
    }
    const ends = first.lines.filter((line) => line.type === 'tool-call-end');
    expect(ends.map((line) => [line.toolName, line.outcome, line.output])).toEqual([
      ['lookup', 'success', { order: '7', status: 'shipped' }],
      ['slow', 'success', { order: '7', refunded: false }],
    ]);
    expect(first.lines.at(-1)).toMatchObject({
      type: 'run-end',
      outcome: 'success',
      text: 'Order 1 shipped.',
    });
  });

  it('replays offline as cases: the same agent passes, a changed prompt is drift', async () => {
    const cases = (await readAll({ databaseUrl })).map(toCase);
    expect(cases.map((evalCase) => [evalCase.id, evalCase.input])).toEqual([
      ['order-2', 'Where is order 2?'],
      ['order-1', 'Where is order 1?'],
    ]);
    const scorers = [exactMatch(), toolTrajectory({ match: 'exact' })];
    const same = await runEval({ cases, scorers, createAgent: (context) => supportAgent(context) });
    expect(same.attempts.map((attempt) => [attempt.caseId, attempt.status])).toEqual([
      ['order-2', 'pass'],
      ['order-1', 'pass'],
    ]);
    const changed = await runEval({
      cases,
      scorers,
      createAgent: (context) => supportAgent(context, 'Answer in one word.'),
    });
    expect(changed.attempts.map((attempt) => attempt.status)).toEqual(['drift', 'drift']);
    expect(changed.attempts[0]?.drift?.reason).toContain('the system prompt changed');
  });

  it('reads only the runs asked for, newest first, up to the limit', async () => {
    expect((await readAll({ databaseUrl, runIds: ['order-1'] })).map((run) => run.runId)).toEqual([
      'order-1',
    ]);
    expect((await readAll({ databaseUrl, limit: 1 })).map((run) => run.runId)).toEqual(['order-2']);
    expect(await readAll({ databaseUrl, since: new Date(Date.now() + 60_000) })).toEqual([]);
    await expect(readAll({ databaseUrl, limit: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('says Postgres is unreachable without showing the password', async () => {
    const url = new URL(databaseUrl);
    url.password = 'hunter2-secret';
    url.port = '1';
    const error = await readAll({ databaseUrl: url.toString() }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PostgresUnreachableError);
    expect(String((error as Error).message)).not.toContain('hunter2-secret');
  });
});
