import { createGemini } from '@gemloop/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import { DurableRunError } from '../../errors/durable-run-error.ts';
import type { DurableWorker } from '../worker/durable-worker.ts';
import { startDurableWorker } from '../worker/start-durable-worker.ts';
import { createDurableBatchRuns, type DurableBatchRuns } from './durable-batch-runs.ts';

// durable64's "Noticed, left alone": a durable batch job's failure was stored as thrown, where a
// run's goes through redactedRunError. A job whose gateway refuses its batch (the gateway's
// answer echoes the request's Authorization and names its upstream with its password) fails the
// job; DBOS writes what the workflow (and the failed step) threw into `dbos.workflow_status` and
// `dbos.operation_outputs`, and `result()` hands it to every client. One worker in this process
// on the suite's embedded Postgres; no network: the client's fetch answers every request itself.

/** The client's key: no Google key shape, so only the client's keys take it out. */
const KEY = 'sk-gw_BatchSecret-0123456789ABCDEFghij';
/** The gateway's bearer token, in the client's headers. */
const TOKEN = 'tok_Gateway-0123456789abcdefXYZ';
const UPSTREAM = 'postgres://batch:hunter2pw@10.0.0.7:5432/ledger';
const BODY = JSON.stringify({
  error: {
    code: 502,
    status: 'UNAVAILABLE',
    message: `upstream ${UPSTREAM} refused (Authorization: Bearer ${TOKEN}, x-goog-api-key: ${KEY})`,
  },
});
/** What no row and no error a client reads may hold. */
const LEAKS = ['hunter2pw', '10.0.0.7', 'postgres://', KEY, TOKEN];

let worker: DurableWorker;
let batches: DurableBatchRuns;
let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await workerDatabase('batch_stored_error');
  const gemini = createGemini({
    apiKey: KEY,
    headers: { Authorization: `Bearer ${TOKEN}` },
    baseUrl: 'https://gateway.invalid',
    retry: { maxRetries: 0 },
    fetch: async () =>
      new Response(BODY, { status: 502, headers: { 'content-type': 'application/json' } }),
  });
  worker = await startDurableWorker({
    databaseUrl,
    executorId: 'batch-stored-error',
    agents: {},
    batchJobs: { ledger: { gemini, model: 'gemini-2.5-flash', pollIntervalMs: 50 } },
    logLevel: 'error',
  });
  batches = await createDurableBatchRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await batches?.close();
  await worker?.shutdown();
});

/** The rows of a job's workflow and its steps, as text. */
async function jobRows(jobId: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ text: string }>(
      `SELECT t::text AS text FROM dbos.workflow_status t WHERE workflow_uuid = $1
       UNION ALL
       SELECT t::text FROM dbos.operation_outputs t WHERE workflow_uuid = $1`,
      [jobId],
    );
    return rows.map((row) => row.text).join('\n');
  } finally {
    await client.end();
  }
}

describe("a durable batch job's stored failure", () => {
  it("holds no key, token, password or address, and result() tells the gateway's failure as its class", async () => {
    const { jobId } = await batches.start('ledger', { jobId: 'ledger-1', inputs: ['Sum it.'] });
    const thrown = await batches.result(jobId).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(DurableRunError.isInstance(thrown)).toBe(true);
    const cause = (thrown as DurableRunError).cause as Error & {
      status?: unknown;
      apiMessage?: unknown;
    };
    // What callers branch on is kept: the class and the HTTP status.
    expect(cause.name).toBe('ApiCallError');
    expect(cause.status).toBe(502);
    // The gateway's words are kept, the upstream's address told as `<url>`.
    expect(cause.apiMessage).toMatch(/^upstream <url> refused/);
    const rows = await jobRows(jobId);
    expect(rows).toContain('ApiCallError');
    expect(rows).toContain('<url>');
    const told = JSON.stringify({
      ...(thrown as object),
      cause: { ...cause, message: cause.message },
    });
    for (const leaked of LEAKS) {
      expect(rows).not.toContain(leaked);
      expect(told).not.toContain(leaked);
      expect(cause.message).not.toContain(leaked);
    }
  });
});
