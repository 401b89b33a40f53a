import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SubagentError } from '@gemloop/core/errors';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { createFakeLive, type FakeLive } from '@gemloop/testing/live';
import pg from 'pg';
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
import { recordedError, thrownFromRecord } from './recorded-error.ts';

// redact40: two DBOS steps still stored a thrown error's raw text in `dbos.operation_outputs`: a
// Live background tool's (live-tool-workflow.ts) and a recorded plugin hook's
// (durable-plugin-hooks.ts), so a hook's `postgres://app:pw@10.0.0.5` and the run's gateway key
// sat in Postgres for whoever reads the database. Both now store it as the durable tool step does
// (recorded-error.ts). The runs below are real (embedded Postgres, DBOS, a worker process:
// secret-error-worker.ts); every row of the database is read.

/** A gateway's key: no Google key shape, so only the run's keys take it out. */
const KEY = 'sk-gw_Secret-0123456789ABCDEFghij';
const BASIC = btoa(`user:${KEY}`);
const secretText = (what: string): string =>
  `${what} down: postgres://app:hunter2pw@10.0.0.5:5432/vault (key ${KEY}, ${KEY.toLowerCase()}, Basic ${BASIC})`;
/** What no row may hold: the password, the address, the key and its encoded forms. */
const LEAKS = [
  'hunter2pw',
  '10.0.0.5',
  'postgres://',
  KEY,
  KEY.toLowerCase(),
  KEY.toUpperCase(),
  BASIC,
  // The characters that encode the key's bytes alone ('user:' is the first 5 bytes).
  BASIC.slice(8, 40),
];

describe('recordedError', () => {
  it('keeps name and code, takes the keys, their encoded forms and local details out, and rebuilds the same error', () => {
    const thrown = Object.assign(new TypeError(secretText('vault')), { code: 'ECONNREFUSED' });
    const record = recordedError(thrown, [KEY]);
    expect(record).toMatchObject({ ok: false, name: 'TypeError', code: 'ECONNREFUSED' });
    const row = JSON.stringify(record);
    for (const leaked of LEAKS) expect(row).not.toContain(leaked);
    expect(record.message).toContain('vault down: <url>');
    const rebuilt = thrownFromRecord(JSON.parse(row));
    expect([rebuilt.name, rebuilt.message, rebuilt.code]).toEqual([
      'TypeError',
      record.message,
      'ECONNREFUSED',
    ]);
    // A record of an older version has no code: the error has none either.
    expect('code' in thrownFromRecord({ name: 'Error', message: 'old' })).toBe(false);
  });

  it('tells a thrown non-Error as text and bounds a huge message', () => {
    expect(recordedError(`down: ${KEY}`, [KEY])).toEqual({
      ok: false,
      name: 'Error',
      message: 'down: [redacted]',
    });
    expect(recordedError(new Error('x'.repeat(50_000)), []).message).toHaveLength(1_003);
  });
});

describe('stored errors of a real durable worker', () => {
  const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-redact40-'));
  const counter = createCounter();
  const SESSION_ID = 'vault-session';
  let fake: FakeGemini;
  let live: FakeLive;
  let runs: DurableRuns;
  let databaseUrl: string;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];
  const script = new URL('../../__fixtures__/secret-error-worker.ts', import.meta.url).pathname;

  beforeAll(async () => {
    // The desk's run: the desk calls its clerk, whose model says the key where JSON is asked
    // (its run fails with OutputValidationError, holding that text), then the desk answers.
    fake = createFakeGemini({
      script: (request, { functionResponses }) => {
        const body = JSON.stringify(request.body);
        if (body.includes('CLERK'))
          return turn.text(`The vault key is ${KEY}. ${secretText('clerk')}`);
        // The front hands the run to the records, whose shelf fails (its plugin throws).
        if (body.includes('RECORDS'))
          return functionResponses.every((response) => response.name !== 'shelf')
            ? turn.call('shelf', { task: 'Read the shelf.' })
            : turn.text('The shelf failed.');
        if (body.includes('FRONT')) return turn.call('transfer_to_records', {});
        if (body.includes('DEPUTY')) return turn.call('clerk', { task: 'Read the vault.' });
        if (body.includes('CHIEF')) return turn.call('deputy', { task: 'Have it read.' });
        return functionResponses.length === 0
          ? turn.call('clerk', { task: 'Read the vault.' })
          : turn.text('The clerk failed.');
      },
    });
    await fake.listen();
    live = await createFakeLive({
      script: [
        [
          { toolCalls: [{ name: 'vault_report', id: 'v1', args: { topic: 'q3' } }] },
          { text: 'I am on it.' },
        ],
        [{ text: 'The vault report failed.' }],
      ],
    });
    databaseUrl = await workerDatabase('redact40');
    env = {
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      EXECUTOR_ID: 'redact40-worker',
      THROWN: 'unused',
      GATEWAY_KEY: KEY,
      HOOK_THROWN: secretText('vault'),
      LIVE_THROWN: secretText('report'),
      ARCHIVE_THROWN: secretText('shelf'),
      COUNTER_FILE: counter.file,
      HOLD_DIR: holdDirectory,
    };
    workers.push(await startWorker({ ...env, LIVE_URL: live.url, SESSION_ID }, script));
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    await runs?.close();
    for (const worker of workers) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
    await live?.close();
    rmSync(holdDirectory, { recursive: true, force: true });
  });

  /** Every row of every table of the database (DBOS's and gemloop's), as text. */
  async function everyRow(): Promise<string> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows: tables } = await client.query<{ schema: string; name: string }>(
        `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
         WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
      );
      expect(tables.map((table) => `${table.schema}.${table.name}`)).toContain(
        'dbos.operation_outputs',
      );
      const texts: string[] = [];
      for (const { schema, name } of tables) {
        const { rows } = await client.query<{ text: string }>(
          `SELECT t::text AS text FROM "${schema}"."${name}" t`,
        );
        for (const { text } of rows) texts.push(`${schema}.${name} ${text}`);
      }
      return texts.join('\n');
    } finally {
      await client.end();
    }
  }

  it("a Live background tool's throw is stored without the secrets, and the model is told what is stored", async () => {
    // The worker opened the session once ready: the model's call runs as the workflow
    // gemloop.live:<session>:v1, whose tool throws.
    const responses = () =>
      live.connections.flatMap((connection) =>
        connection.messages.flatMap(
          (message) =>
            (
              message['toolResponse'] as
                | { functionResponses: Record<string, unknown>[] }
                | undefined
            )?.functionResponses ?? [],
        ),
      );
    await waitFor(() => responses().length === 1, 'the failed call to be answered');
    const told = JSON.stringify(responses()[0]);
    expect(told).toContain('report down: <url>');
    const stored = await everyRow();
    const row = stored
      .split('\n')
      .find(
        (line) =>
          line.includes(`gemloop.live:${SESSION_ID}:v1`) &&
          line.includes('gemloop.live-tool:vault_report'),
      );
    expect(row).toContain('ECONNREFUSED');
    const recorded = recordedError(new Error(secretText('report')), [KEY]).message;
    expect(row).toContain(recorded);
    expect(told).toContain(recorded);
    for (const leaked of LEAKS) {
      expect(stored).not.toContain(leaked);
      expect(told).not.toContain(leaked);
    }
    expect(live.errors).toEqual([]);
  });
  it("a recorded hook's throw is stored without the secrets, and the run fails the same way before and after a SIGKILL", async () => {
    const runId = 'vault-crash';
    // Holds the plugin's endRun: the hook's record is written, the run's end is not.
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('vault', { runId, input: runId });
    await waitFor(() => counter.count(`vault end ${runId} `) === 1, 'the hook to end the run');
    const stored = await everyRow();
    expect(stored).toMatch(
      /dbos\.operation_outputs .*gemloop\.plugin.*vault down: <url>.*ECONNREFUSED/,
    );
    for (const leaked of LEAKS) expect(stored).not.toContain(leaked);

    // The worker dies before the run ends; started again (its executor id), DBOS recovers the
    // run, whose replay takes the hook's outcome from the record.
    const first = workers[0] as WorkerProcess;
    // The Live session of the test above is over (its call answered): only the run is recovered.
    await stopWorker(first, 'SIGKILL');
    rmSync(join(holdDirectory, runId));
    workers.push(await startWorker(env, script));
    const error = await runs.result(runId).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(DurableRunError.isInstance(error)).toBe(true);
    const cause = (error as DurableRunError).cause as Error;
    expect(cause.name).toBe('PluginError');
    // Both executions ended with the same error (name, message, the hook's code on its cause),
    // and the hook ran once: the replay took its throw from the record.
    const ends = counter.lines().filter((line) => line.startsWith(`vault end ${runId} `));
    expect(ends).toHaveLength(2);
    expect(ends[1]).toBe(ends[0]);
    const [name, message, code] = JSON.parse(ends[0]?.slice(`vault end ${runId} `.length) ?? '');
    expect([name, code]).toEqual(['PluginError', 'ECONNREFUSED']);
    expect(message).toBe(
      `Plugin "vault" failed in beforeModelCall: ${
        recordedError(new Error(secretText('vault')), [KEY]).message
      }`,
    );
    expect(cause.message).toBe(message);
    expect(counter.count(`vault check ${runId}`)).toBe(1);
    expect(
      fake.modelRequests.filter((request) => JSON.stringify(request.body).includes(runId)),
    ).toEqual([]);
    const after = await everyRow();
    for (const leaked of LEAKS) expect(after).not.toContain(leaked);
  });

  /** A worker that runs (the one the tests above left running, or a new one). */
  async function liveWorker(): Promise<WorkerProcess> {
    const last = workers.at(-1);
    if (last !== undefined && last.child.exitCode === null && last.child.signalCode === null)
      return last;
    const started = await startWorker(env, script);
    workers.push(started);
    return started;
  }

  /**
   * The rows of a run's tree (its workflows', their outputs and steps; DBOS writes what a
   * workflow threw, its enumerable fields and causes included, and the parent's record of a
   * child's wait holds the same error), without the model steps: they keep the model's
   * response verbatim (a replay hands it back as it came), and the clerk's model said the
   * secrets.
   */
  async function treeRows(runId: string): Promise<string> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ text: string }>(
        `SELECT t::text AS text FROM dbos.workflow_status t WHERE workflow_uuid LIKE $1
         UNION ALL
         SELECT t::text FROM dbos.workflow_output t WHERE workflow_uuid LIKE $1
         UNION ALL
         SELECT t::text FROM dbos.operation_outputs t
         WHERE workflow_uuid LIKE $1 AND function_name NOT LIKE 'gemloop.model%'`,
        [`${runId}%`],
      );
      return rows.map((row) => row.text).join('\n');
    } finally {
      await client.end();
    }
  }

  it("a subagent the worker did not prepare (under a hand-off target) fails: its step's row holds no secret", async () => {
    await liveWorker();
    const runId = 'front-1';
    await runs.start('front', { runId, input: 'What is on the shelf?' });
    // The records' model is told the shelf failed, and answers.
    expect((await runs.result(runId)).text).toBe('The shelf failed.');
    const stored = await everyRow();
    // The step of the shelf's run holds its failure: the plugin's error and its cause, their
    // class names and code kept, the driver's own words kept.
    const row = stored.split('\n').find((line) => line.includes('gemloop.subagent:shelf'));
    expect(row).toContain('PluginError');
    expect(row).toContain('ECONNREFUSED');
    expect(row).toContain('shelf down: <url>');
    for (const leaked of LEAKS) expect(stored).not.toContain(leaked);
  });

  it("a failed child workflow's stored error holds no key, password or address, and the parent goes on as before", async () => {
    await liveWorker();
    const runId = 'desk-1';
    await runs.start('desk', { runId, input: 'What is in the vault?' });
    // The parent's model is told the child failed, and answers.
    expect((await runs.result(runId)).text).toBe('The clerk failed.');
    expect(await runs.childRuns(runId)).toMatchObject([{ status: 'ERROR' }]);
    const stored = await treeRows(runId);
    expect(stored).toContain('OutputValidationError');
    // The error's own field, the model's text, is there: without the key and the local details.
    expect(stored).toContain('The vault key is [redacted]. clerk down: <url>');
    for (const leaked of LEAKS) expect(stored).not.toContain(leaked);
  });

  it("a child's SubagentError ends its parent's run the same way before and after a SIGKILL, stored without the secrets", async () => {
    const runId = 'chief-crash';
    // Holds the chief's endRun: the deputy's failure is recorded, the chief's end is not.
    writeFileSync(join(holdDirectory, runId), '');
    const first = await liveWorker();
    await runs.start('chief', { runId, input: runId });
    await waitFor(() => counter.count(`chief end ${runId} `) === 1, 'the chief to end');
    const stored = await treeRows(runId);
    expect(stored).toContain('SubagentError');
    expect(stored).toContain('clerk down: <url>');
    for (const leaked of LEAKS) expect(stored).not.toContain(leaked);

    // The worker dies before the chief's run ends; started again, DBOS recovers the run, whose
    // replay reads the deputy's failure from the record (DBOS revives it as a plain Error).
    await stopWorker(first, 'SIGKILL');
    rmSync(join(holdDirectory, runId));
    workers.push(await startWorker(env, script));
    const error = await runs.result(runId).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(DurableRunError.isInstance(error)).toBe(true);
    expect(((error as DurableRunError).cause as Error).name).toBe('SubagentError');
    expect(SubagentError.isInstance((error as DurableRunError).cause)).toBe(true);
    // Both executions ended with the same SubagentError (the clerk's, carried up through the
    // deputy as in-process: not told to the chief's model), its cause the clerk's failure.
    const ends = counter.lines().filter((line) => line.startsWith(`chief end ${runId} `));
    expect(ends).toHaveLength(2);
    expect(ends[1]).toBe(ends[0]);
    const [name, code, toolName, message, causeName, causeMessage] = JSON.parse(
      ends[0]?.slice(`chief end ${runId} `.length) ?? '',
    );
    expect([name, code, toolName, causeName]).toEqual([
      'SubagentError',
      'subagent',
      'clerk',
      'OutputValidationError',
    ]);
    // As in process (errors43): the deputy reads the clerk's stored error back as an
    // OutputValidationError, which a subagent's failure text tells by its message alone (a
    // plain Error's class was put before it: `failed: OutputValidationError: ...`).
    expect(message).toMatch(
      /^The subagent clerk \(deputy#1 > clerk#1\) failed: The model's structured answer does not match/,
    );
    expect(causeMessage).toContain('does not match the output schema');
    for (const leaked of LEAKS) expect(ends[0]).not.toContain(leaked);
    // The chief's model was called once: the deputy's failure was never told to it.
    expect(
      fake.modelRequests.filter((request) => JSON.stringify(request.body).includes('CHIEF')),
    ).toHaveLength(1);
    const after = await treeRows(runId);
    for (const leaked of LEAKS) expect(after).not.toContain(leaked);
    // The failed deputy's events (its clerk's too) reach the chief's stream, as in process
    // (events66), once though the chief ran twice, and without the secrets of the error rows
    // they were stored in.
    const seen: string[] = [];
    for await (const { event } of runs.events(runId)) {
      const path = (event as { path?: readonly string[] }).path ?? [];
      if (path.length > 0) seen.push(`${path.join('>')}|${event.type}`);
      for (const leaked of LEAKS) expect(JSON.stringify(event)).not.toContain(leaked);
    }
    expect(seen.filter((line) => line === 'deputy#1|tool-call')).toHaveLength(1);
    expect(seen.filter((line) => line === 'deputy#1>clerk#1|step-start')).toHaveLength(1);
    expect(seen.filter((line) => line === 'deputy#1>clerk#1|step-end')).toHaveLength(1);
  });
});
