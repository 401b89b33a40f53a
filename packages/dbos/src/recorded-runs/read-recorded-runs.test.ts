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
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../__fixtures__/fleet.ts';
import {
  agentOf,
  type Body,
  firstText,
  SECRET_PASSWORD,
  script as subagentScript,
} from '../__fixtures__/subagent-fake.ts';
import { MIN_SHARED_LENGTH } from '../durable/events/shared-strings.ts';
import { createDurableRuns, type DurableRuns, PostgresUnreachableError } from '../index.ts';
import { type DurableRecordedRun, readRecordedRuns } from './index.ts';

/** A text well past `MIN_SHARED_LENGTH`, which a run's stored result holds in three places. */
const LONG = Array.from({ length: 120 }, (_, index) => `Line ${index} of the long answer.`).join(
  ' ',
);

/**
 * The fake of the file's one worker, told apart by the run: `loginTop`'s (`CHILD` instructions)
 * answers as the subagent tests' fake does, with the secret `login` call; `Tell me everything.`
 * gets `LONG`; every other run is lookup → slow → answer, three model calls and two tools (as in
 * durable-run.test.ts). `present`: the subagent script's raw turns carry signatures of their own.
 */
function recordedRunsScript(): Parameters<typeof createFakeGemini>[0] {
  return {
    signatureValidation: 'present',
    script: (request, context) => {
      const body = request.body as Body;
      if (agentOf(body) === 'child') return turn.raw(subagentScript(body));
      if (firstText(body) === 'Tell me everything.') return turn.text(LONG);
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

/** A run's stored output row as text (DBOS 5 keeps a workflow's output in a table of its own). */
const OUTPUT_ROW = 'SELECT t::text AS output FROM dbos.workflow_output t WHERE workflow_uuid = $1';

// One worker (and its database, fake and client) for the file: each describe starts its own runs
// in its own `beforeAll`, which Vitest runs when that describe begins, so the first describe
// reads a database (and a fake) that holds its two runs alone; the later ones read their run by id.
describe('readRecordedRuns', () => {
  let fake: FakeGemini;
  let databaseUrl: string;
  let runs: DurableRuns;
  let worker: WorkerProcess;

  beforeAll(async () => {
    fake = createFakeGemini(recordedRunsScript());
    await fake.listen();
    databaseUrl = await workerDatabase('recorded');
    worker = await startWorker({
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: createCounter().file,
      SLOW_MS: '10',
    });
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    await runs?.close();
    if (worker !== undefined) await stopWorker(worker);
    await fake?.close();
  });

  describe('a fleet runs as recorded runs, replayed as evals', () => {
    beforeAll(async () => {
      // One after the other, so the fake's requests 0-2 are the first run's and 3-5 the second's.
      for (const [runId, input] of [
        ['order-1', 'Where is order 1?'],
        ['order-2', 'Where is order 2?'],
      ] as const) {
        await runs.start('support', { runId, input });
        await runs.result(runId);
      }
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
      const same = await runEval({
        cases,
        scorers,
        createAgent: (context) => supportAgent(context),
      });
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
      expect((await readAll({ databaseUrl, runIds: ['order-1'] })).map((run) => run.runId)).toEqual(
        ['order-1'],
      );
      expect((await readAll({ databaseUrl, limit: 1 })).map((run) => run.runId)).toEqual([
        'order-2',
      ]);
      expect(await readAll({ databaseUrl, since: new Date(Date.now() + 60_000) })).toEqual([]);
      await expect(readAll({ databaseUrl, limit: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
    });

    it('says Postgres is unreachable without showing the password', async () => {
      const url = new URL(databaseUrl);
      url.password = 'hunter2-secret';
      url.port = '1';
      const error = await readAll({ databaseUrl: url.toString() }).catch(
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(PostgresUnreachableError);
      expect(String((error as Error).message)).not.toContain('hunter2-secret');
    });
  });

  // Outside attack on reading a fleet's runs back as recordings (attack13): a tool's
  // `secretArguments` are redacted from everything the in-process recorder writes (run files, the
  // cases made of them), but the durable run's stored result holds the model's arguments as sent,
  // and `readRecordedRuns` turned them into recorded lines as they were: `gemloop eval from-runs
  // --database-url` wrote the password into the dataset. What the stored events say is secret (each
  // tool call's `redactedArgs`) is redacted from the lines read back.
  describe('a run whose tool has a secret argument', () => {
    beforeAll(async () => {
      await runs.start('loginTop', { runId: 'secret-top', input: 'secret one' });
      expect((await runs.result('secret-top')).text).toBe('child answer to secret one');
    });

    it('reads it back with the secret redacted everywhere, and its case holds none', async () => {
      const read = await readAll({ databaseUrl, runIds: ['secret-top'] });
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

  // leftovers43 (store-once42's note): a durable run's stored result and its event entries keep a
  // long string they hold more than once only once (`sharedStrings`, each other place `null`).
  // `readRecordedRuns` must put them back, or the recording's model answer, its final text and the
  // case made of it read `null`. No test read such a run back: here a worker stores one (the model
  // answers a text well past `MIN_SHARED_LENGTH`, which the result holds in its `text`, its
  // `contents` and its step), and the reading is checked against the stored rows.
  describe('a run whose stored rows keep a long string once', () => {
    beforeAll(async () => {
      expect(LONG.length).toBeGreaterThan(2 * MIN_SHARED_LENGTH);
      await runs.start('support', { runId: 'long-answer', input: 'Tell me everything.' });
      expect((await runs.result('long-answer')).text).toBe(LONG);
    });

    it('stored it once (the premise), and reads it back in every place, as does its case', async () => {
      // The premise: the stored result holds the text once, under sharedStrings, its places null.
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
      try {
        // DBOS 5 keeps a workflow's output in a table of its own; the events in its stream rows.
        const { rows } = await pool.query<{ output: string }>(OUTPUT_ROW, ['long-answer']);
        const output = rows[0]?.output ?? '';
        expect(output).toContain('sharedStrings');
        expect(output.split('Line 119 of the long answer.').length - 1).toBe(1);
        const stream = await pool.query<{ value: string }>(
          'SELECT value FROM dbos.streams WHERE workflow_uuid = $1',
          ['long-answer'],
        );
        expect(stream.rows.some((row) => row.value.includes('sharedStrings'))).toBe(true);
      } finally {
        await pool.end();
      }

      const read = await readAll({ databaseUrl, runIds: ['long-answer'] });
      expect(read.map((run) => run.runId)).toEqual(['long-answer']);
      const lines = (read[0] as DurableRecordedRun).lines;
      const end = lines.find((line) => line.type === 'model-call-end') as
        | { response: { candidates: { content: { parts: { text?: string }[] } }[] } }
        | undefined;
      expect(end?.response.candidates[0]?.content.parts[0]?.text).toBe(LONG);
      expect(lines.at(-1)).toMatchObject({ type: 'run-end', outcome: 'success', text: LONG });
      expect(JSON.stringify(lines)).not.toContain('sharedStrings');
      const evalCase = caseFromRunFile(
        lines.map((line) => JSON.stringify(line)).join('\n'),
        'postgres:long-answer',
      );
      expect(evalCase?.expected).toMatchObject({ text: LONG });
    });
  });

  // durable-chat54: a run that continues a conversation stores its result without the history its
  // input holds (`contentsFrom`); its recorded requests still carry that history.
  describe('a run that continues a conversation', () => {
    let sent: Record<string, unknown>[] = [];
    beforeAll(async () => {
      await runs.start('support', { runId: 'chat-1', input: 'Where is order 8?' });
      const first = await runs.result('chat-1');
      const before = fake.modelRequests.length;
      await runs.start('support', {
        runId: 'chat-2',
        input: 'And order 9?',
        history: first.contents,
      });
      await runs.result('chat-2');
      sent = fake.modelRequests
        .slice(before)
        .map((request) => request.body as Record<string, unknown>);
    });

    it('stored its result without the history (the premise), and rebuilds its requests with it', async () => {
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
      const { rows } = await pool
        .query<{ output: string }>(OUTPUT_ROW, ['chat-2'])
        .finally(() => pool.end());
      const output = rows[0]?.output ?? '';
      expect(output).toMatch(/contentsFrom\W+6\b/);
      expect(output).not.toContain('Where is order 8?');
      const [run] = await readAll({ databaseUrl, runIds: ['chat-2'] });
      const requests = requestsOf(run as DurableRecordedRun);
      expect(sent).toHaveLength(3);
      expect(requests.map((request) => request['contents'])).toEqual(
        sent.map((body) => body['contents']),
      );
      expect(JSON.stringify(requests[0]?.['contents'])).toContain('Where is order 8?');
    });
  });
});
