/**
 * `npm run bench:durable [-- --quick]`: what durability costs per agent step. The same scripted
 * agent (N tool steps, each one model call and one instant tool call, then an answer) runs plain
 * (`agent.run`) and durable (a DBOS workflow on an in-process worker), against the fake Gemini on
 * 127.0.0.1 and an embedded Postgres (or DATABASE_URL). Reported per step (one model call + one
 * tool call): wall time, Postgres round trips (queries sent by this process), rows written
 * (from pg_stat_database), and the heap a paused run (waiting for approval) keeps in its worker.
 */
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/core/testing';
import { startDurableWorker } from '@gemloop/dbos';
import { createDatabase, startEmbeddedPostgres } from '@gemloop/dbos/testing';
import pg from 'pg';
import { z } from 'zod';

const quick = process.argv.includes('--quick');
// --no-fsync: Postgres with synchronous_commit=off, to separate the software's cost from the
// disk's flush per commit (which dominates on a slow disk).
const noFsync = process.argv.includes('--no-fsync');
const STEPS = quick ? 5 : 10;
const RUNS = quick ? 3 : 10;
const PAUSED = quick ? 20 : 100;

// Every query any pg client of this process sends (DBOS's pools and ours share this pg).
let queries = 0;
// By kind (the statement's first words), to tell what the round trips are.
let byKind: Map<string, number> | undefined;
const kindOf = (query: unknown): string => {
  const text =
    typeof query === 'string' ? query : ((query as { text?: unknown } | null)?.text ?? '');
  return String(text).replace(/\s+/g, ' ').trim().slice(0, 60);
};
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
  queries++;
  if (byKind !== undefined) {
    const kind = kindOf(args[0]);
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  }
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof originalQuery;

const fake = createFakeGemini({
  script: (_request, context) => {
    const response = context.functionResponses[0]?.response as { step?: number } | undefined;
    const done = Number(response?.step ?? 0);
    if (context.lastUserText?.startsWith('approve')) {
      return context.functionResponses.length === 0
        ? turn.call('pay', { step: 1 })
        : turn.text('paid');
    }
    return done >= STEPS ? turn.text('done') : turn.call('work', { step: done + 1 });
  },
});
await fake.listen();
const gemini = createGemini({ apiKey: 'bench', baseUrl: fake.url });
const work = defineTool({
  name: 'work',
  description: 'One step of work.',
  parameters: z.object({ step: z.number() }),
  execute: ({ step }) => ({ step }),
});
const pay = defineTool({
  name: 'pay',
  description: 'Pays (needs approval).',
  parameters: z.object({ step: z.number() }),
  execute: ({ step }) => ({ step, paid: true }),
});
const model = 'gemini-3-flash-preview';

// A streamed answer: 8-character chunks 20 ms apart, ~3 s of text, to count the event writes a
// watcher's text costs (the deltas are written in batches while the answer is written).
const ANSWER = Array.from({ length: 150 }, (_, index) => `word${index} `).join('');
const writerFake = createFakeGemini({
  script: () => turn.text(ANSWER),
  chunkSize: 8,
  chunkDelayMs: 20,
});
await writerFake.listen();
const writerGemini = createGemini({ apiKey: 'bench', baseUrl: writerFake.url });

const postgres = await startEmbeddedPostgres({
  databaseUrl: process.env['DATABASE_URL'],
  ...(noFsync ? { settings: { synchronous_commit: 'off' } } : {}),
});
const databaseUrl = await createDatabase(postgres.url, 'bench_durable');
const stats = new pg.Client({ connectionString: databaseUrl });
await stats.connect();
// Backends report their counters to pg_stat_* at most once a second (PGSTAT_MIN_INTERVAL):
// wait for the last report before reading.
const statsSettled = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1500));
const rowsWritten = async (): Promise<number> => {
  await statsSettled();
  // Counters reach pg_stat_database when a backend reports; force a fresh snapshot.
  await stats.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await stats.query<{ written: string }>(
    'SELECT tup_inserted + tup_updated + tup_deleted AS written FROM pg_stat_database WHERE datname = current_database()',
  );
  return Number(rows[0]?.written ?? 0);
};

// Rows written per table of the system database (to tell what the rows are).
const tableWrites = async (): Promise<Map<string, number>> => {
  await stats.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await stats.query<{ name: string; written: string }>(
    `SELECT schemaname || '.' || relname AS name, n_tup_ins + n_tup_upd + n_tup_del AS written
     FROM pg_stat_user_tables WHERE schemaname IN ('dbos', 'gemloop') ORDER BY 1`,
  );
  return new Map(rows.map((row) => [row.name, Number(row.written)]));
};

// One Postgres round trip from this process, for scale (the machine may be shared and loaded).
const roundTrip = async (): Promise<number> => {
  const samples: number[] = [];
  for (let index = 0; index < 50; index++) {
    const start = performance.now();
    await stats.query('SELECT 1');
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
};
const roundTripMs = await roundTrip();

const worker = await startDurableWorker({
  databaseUrl,
  agents: {
    bench: { gemini, model, tools: [work] },
    approver: { gemini, model, tools: [pay], needsApproval: ['pay'] },
    writer: { gemini: writerGemini, model },
  },
  workerConcurrency: PAUSED + 10,
  pollingIntervalMs: 50,
  takeover: false,
  logLevel: 'error',
});

// Plain: the same agent, no DBOS.
const plain = createAgent({ gemini, model, tools: [work] });
for (let index = 0; index < 2; index++) await plain.run('warm up'); // JIT, connections
let started = performance.now();
for (let index = 0; index < RUNS; index++) await plain.run(`plain ${index}`);
const plainMsPerStep = (performance.now() - started) / RUNS / STEPS;

// Durable: start + await through the worker's own API (in-process, so the queue is the only hop).
await worker.runs.start('bench', { runId: 'warm-up', input: 'warm up' });
await worker.runs.result('warm-up');
const queriesBefore = queries;
const writtenBefore = await rowsWritten();
const tablesBefore = await tableWrites();
byKind = new Map();
started = performance.now();
for (let index = 0; index < RUNS; index++) {
  const { runId } = await worker.runs.start('bench', {
    runId: `durable-${index}`,
    input: `durable ${index}`,
  });
  await worker.runs.result(runId);
}
const durableMs = performance.now() - started;
// Execution only (dequeued → completed, by the database's clock): without the queue's dispatch
// delay and the caller's wait for the result, which are per run, not per step.
let executionMs = 0;
for (let index = 0; index < RUNS; index++) {
  const status = await worker.runs.status(`durable-${index}`);
  executionMs += (status?.completedAt ?? 0) - (status?.dequeuedAt ?? 0);
}
const durableQueries = queries - queriesBefore;
const kinds = [...(byKind ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]).slice(0, 12);
byKind = undefined;
const durableWritten = (await rowsWritten()) - writtenBefore;
const durableMsPerStep = executionMs / RUNS / STEPS;

const tablesAfter = await tableWrites();
// Event writes (stream entries, the close included) and checkpoints per run, counted in the tables.
const { rows: perRun } = await stats.query<{ entries: string; outputs: string }>(
  `SELECT (SELECT count(*) FROM dbos.streams WHERE workflow_uuid LIKE 'durable-%') AS entries,
          (SELECT count(*) FROM dbos.operation_outputs WHERE workflow_uuid LIKE 'durable-%') AS outputs`,
);

// The streamed answer: stream entries written while it was written, per second of answer.
await worker.runs.start('writer', { runId: 'streamed', input: 'write' });
await worker.runs.result('streamed');
const { rows: streamRows } = await stats.query<{ entries: string }>(
  `SELECT count(*) AS entries FROM dbos.streams WHERE workflow_uuid = 'streamed'`,
);
const { rows: stepRows } = await stats.query<{ started: string; completed: string }>(
  `SELECT started_at_epoch_ms AS started, completed_at_epoch_ms AS completed
   FROM dbos.operation_outputs WHERE workflow_uuid = 'streamed' AND function_name = 'gemloop.model:stream'`,
);
const answerSeconds =
  (Number(stepRows[0]?.completed ?? 0) - Number(stepRows[0]?.started ?? 0)) / 1000;
// The entries: batches of the answer's deltas, the events before and after it, the close.
const streamEntries = Number(streamRows[0]?.entries ?? 0);
const endToEndMsPerStep = durableMs / RUNS / STEPS;

// Paused runs: each waits for approval in its worker.
const heap = (): number => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};
const heapBefore = heap();
for (let index = 0; index < PAUSED; index++) {
  await worker.runs.start('approver', { runId: `paused-${index}`, input: `approve ${index}` });
}
const waitingAll = async (): Promise<boolean> =>
  (
    await Promise.all(
      Array.from({ length: PAUSED }, (_, index) => worker.runs.pendingApprovals(`paused-${index}`)),
    )
  ).every((pending) => pending.length === 1);
while (!(await waitingAll())) await new Promise((resolve) => setTimeout(resolve, 100));
const heapPerPaused = (heap() - heapBefore) / PAUSED;

const rows = [
  ['', 'plain', 'durable'],
  ['ms per step (model call + tool call)', plainMsPerStep.toFixed(2), durableMsPerStep.toFixed(2)],
  ['added ms per step', '', (durableMsPerStep - plainMsPerStep).toFixed(2)],
  ['ms per step, start to result (queue + result polling)', '', endToEndMsPerStep.toFixed(2)],
  [
    'Postgres round trips per step (incl. queue polling)',
    '0',
    (durableQueries / RUNS / STEPS).toFixed(1),
  ],
  ['Postgres rows written per step', '0', (durableWritten / RUNS / STEPS).toFixed(1)],
  ['heap per paused run (waiting for approval)', '', `${(heapPerPaused / 1024).toFixed(1)} KiB`],
  ['one Postgres round trip (SELECT 1, median)', '', roundTripMs.toFixed(2)],
  [
    `streamed answer (${answerSeconds.toFixed(1)} s): stream writes, per s`,
    '',
    `${streamEntries}, ${(streamEntries / Math.max(answerSeconds, 0.001)).toFixed(1)}/s`,
  ],
];
console.log(
  `durable vs plain, ${RUNS} runs x ${STEPS} steps${quick ? ' (quick)' : ''}${globalThis.gc ? '' : ' (run with --expose-gc for the heap figure)'}`,
);
for (const row of rows)
  console.log(
    `| ${row.map((cell, index) => (index === 0 ? cell.padEnd(52) : cell.padStart(8))).join(' | ')} |`,
  );

console.log(
  `per run of ${STEPS} steps (${2 * STEPS + 1} calls): ${Number(perRun[0]?.outputs) / RUNS} step records, ${Number(perRun[0]?.entries) / RUNS} event writes (stream entries, the close included)`,
);
console.log('round trips per step, by statement (the most frequent):');
for (const [kind, count] of kinds) console.log(`  ${(count / RUNS / STEPS).toFixed(2)}  ${kind}`);
console.log('rows written per step, by table (the durable runs above):');
for (const [name, after] of tablesAfter) {
  const perStep = (after - (tablesBefore.get(name) ?? 0)) / RUNS / STEPS;
  if (perStep > 0) console.log(`  ${name}: ${perStep.toFixed(2)}`);
}
console.log(
  `load average: ${(await import('node:os'))
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')}`,
);

for (let index = 0; index < PAUSED; index++) await worker.runs.cancel(`paused-${index}`);
await worker.shutdown();
await stats.end();
await fake.close();
await writerFake.close();
await postgres.stop();
