/**
 * `pnpm --filter @gemloop/bench run durable [-- --quick --lean --no-fsync --runs=N --profile=<file>]`:
 * what durability costs per agent step. The same scripted agent (N tool steps, each one model call
 * and one instant tool call) runs plain (`agent.run`) and durable (a DBOS workflow on an
 * in-process worker), one plain run and one durable run after the other (interleaved, so both see
 * the same load on a shared machine), against the fake Gemini on 127.0.0.1 and an embedded
 * Postgres (or DATABASE_URL). Reported per step: wall time, CPU time of this process and of
 * Postgres, Postgres round trips by statement (count, the time this process waited for them, the
 * time Postgres executed them from pg_stat_statements), pool waits, rows written, DBOS's
 * serialization of the step outputs; then a streamed answer's event writes and the heap a paused
 * run keeps in its worker. `--lean` adds interleaved runs with DBOS's step checkpoint in 2 round
 * trips (lean-steps.ts, a prototype); `--profile` writes a CPU profile of the measured runs.
 */

import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import {
  DBOSJSON,
  deserializeValue,
  serializeFunctionInputOutput,
} from '@dbos-inc/dbos-sdk/internal/serialization';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { startDurableWorker } from '@gemloop/dbos';
import { createDatabase, startEmbeddedPostgres } from '@gemloop/dbos/testing';
import { createFakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { z } from 'zod';
import { installLeanSteps } from './lean-steps.ts';
import { ownerOf } from './statement-owner.ts';

const quick = process.argv.includes('--quick');
// --no-fsync: Postgres with synchronous_commit=off, to separate the software's cost from the
// disk's flush per commit (which dominates on a slow disk).
const noFsync = process.argv.includes('--no-fsync');
const STEPS = quick ? 5 : 10;
const runsArgument = process.argv.find((argument) => argument.startsWith('--runs='));
const RUNS = runsArgument === undefined ? (quick ? 3 : 10) : Number(runsArgument.slice(7));
const PAUSED = quick ? 20 : 100;

// By the statement's text, which DBOS builds the same each time: the instrumentation stays cheap.
const kinds = new Map<string, string>();
const kindOf = (query: unknown): string => {
  const text = String(
    typeof query === 'string' ? query : ((query as { text?: unknown } | null)?.text ?? ''),
  );
  let kind = kinds.get(text);
  if (kind === undefined) {
    kind = text.replace(/\s+/g, ' ').trim().slice(0, 60);
    kinds.set(text, kind);
  }
  return kind;
};
/** Round trips of one measured phase: by kind (the statement's first words), and how long this
 * process waited for them (sent → answered: Postgres, the socket, and this process's event loop
 * getting to the answer). */
type Trips = {
  count: number;
  byKind: Map<string, number>;
  waited: Map<string, number>;
  /** Time spent waiting for a connection of a pool (DBOS's or ours), summed. */
  poolWaitMs: number;
  /** Checkouts that found no idle connection and had to wait for one. */
  poolWaits: number;
};
let trips: Trips | undefined;
const originalConnect = pg.Pool.prototype.connect;
pg.Pool.prototype.connect = function timedConnect(this: pg.Pool, ...args: unknown[]) {
  const into = trips;
  if (into === undefined) {
    return (originalConnect as (...a: unknown[]) => unknown).apply(this, args);
  }
  const waits = this.idleCount === 0 && this.totalCount >= (this.options.max ?? 10);
  if (waits) into.poolWaits++;
  const asked = performance.now();
  const done = (): void => {
    into.poolWaitMs += performance.now() - asked;
  };
  const callback = args[0];
  if (typeof callback === 'function') {
    return (originalConnect as (...a: unknown[]) => unknown).call(this, (...results: unknown[]) => {
      done();
      return (callback as (...a: unknown[]) => unknown)(...results);
    });
  }
  const result = (originalConnect as (...a: unknown[]) => unknown).apply(this, args);
  if (result instanceof Promise) result.then(done, done);
  return result;
} as typeof originalConnect;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
  const into = trips;
  if (into === undefined) return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  const kind = kindOf(args[0]);
  into.count++;
  into.byKind.set(kind, (into.byKind.get(kind) ?? 0) + 1);
  const sent = performance.now();
  const done = (): void => {
    into.waited.set(kind, (into.waited.get(kind) ?? 0) + performance.now() - sent);
  };
  const last = args.length - 1;
  const callback = args[last];
  if (typeof callback === 'function') {
    args[last] = (...results: unknown[]) => {
      done();
      return (callback as (...a: unknown[]) => unknown)(...results);
    };
    return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  }
  const result = (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  if (result instanceof Promise) result.then(done, done);
  return result;
} as typeof originalQuery;

/** CPU time of this process, in ms. */
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

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
  // pg_stat_statements: what Postgres itself spends on each statement.
  settings: {
    shared_preload_libraries: 'pg_stat_statements',
    ...(noFsync ? { synchronous_commit: 'off' } : {}),
  },
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

// Postgres's statements, as it executed them (the embedded server loads the extension).
const statements = await stats
  .query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements')
  .then(() => true)
  .catch(() => false);

// CPU time of the Postgres server (postmaster and backends, the exited ones included), in ms,
// from /proc: only for the embedded server, on Linux. Read synchronously, all at once: a backend
// that exits (DBOS's pool closes idle connections) moves its time from its own entry to the
// postmaster's reaped-children total, and a slow read in between would lose or count it twice.
const postmasterPid = await (async (): Promise<number | undefined> => {
  if (!postgres.embedded) return undefined;
  const { rows } = await stats.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return readStat(rows[0]?.pid)?.ppid;
})();
function readStat(
  pid: number | undefined,
): { ppid: number; ticks: number; childTicks: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces), from field 3 (state) on.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const field = (n: number): number => Number(fields[n - 3]);
    return { ppid: field(4), ticks: field(14) + field(15), childTicks: field(16) + field(17) };
  } catch {
    return undefined;
  }
}
const postgresCpuMs = (): number | undefined => {
  if (postmasterPid === undefined) return undefined;
  let children = '';
  try {
    children = readFileSync(`/proc/${postmasterPid}/task/${postmasterPid}/children`, 'utf8');
  } catch {}
  let ticks = 0;
  for (const child of children.split(' ').filter(Boolean)) {
    ticks += readStat(Number(child))?.ticks ?? 0;
  }
  const master = readStat(postmasterPid);
  if (master === undefined) return undefined;
  return ((ticks + master.ticks + master.childTicks) * 1000) / 100; // USER_HZ, 100 on Linux
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
// --lean: also run the 2-round-trip step prototype (off until switched on for its runs).
const lean = process.argv.includes('--lean') ? installLeanSteps() : undefined;

// Plain: the same agent, no DBOS.
const plain = createAgent({ gemini, model, tools: [work] });
for (let index = 0; index < 2; index++) await plain.run('warm up'); // JIT, connections
await worker.runs.start('bench', { runId: 'warm-up', input: 'warm up' });
await worker.runs.result('warm-up');

// One plain run, then one durable run (then, with --lean, one durable run with the lean-steps
// prototype), RUNS times: all see the same load. Per run: wall time, CPU of this process, CPU
// of Postgres, round trips, and Postgres's own time per statement.
type Phase = {
  wallMs: number[];
  cpuMs: number;
  postgresCpuMs: number;
  trips: Trips;
  statements: Map<string, { calls: number; ms: number }>;
  /** Statements Postgres executed, by owner (statement-owner.ts: gemloop's, DBOS's, ...). */
  owners: Map<string, number>;
};
const newPhase = (): Phase => ({
  wallMs: [],
  cpuMs: 0,
  postgresCpuMs: 0,
  trips: { count: 0, byKind: new Map(), waited: new Map(), poolWaitMs: 0, poolWaits: 0 },
  statements: new Map(),
  owners: new Map(),
});
const plainPhase = newPhase();
const durablePhase = newPhase();
const leanPhase = newPhase();
type Totals = Map<string, { calls: number; ms: number }>;
/** By kind (the first words) and by owner (the whole text: the fence and DBOS's own owner check
 * differ only past the kind's 60 characters). */
const statementTotals = async (): Promise<{ byKind: Totals; byOwner: Map<string, number> }> => {
  const byOwner = new Map<string, number>();
  if (!statements) return { byKind: new Map(), byOwner };
  const { rows } = await stats.query<{ query: string; calls: string; ms: number }>(
    `SELECT query, calls, total_exec_time AS ms FROM pg_stat_statements
     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  const totals = new Map<string, { calls: number; ms: number }>();
  for (const row of rows) {
    const kind = kindOf(row.query);
    const total = totals.get(kind) ?? { calls: 0, ms: 0 };
    total.calls += Number(row.calls);
    total.ms += row.ms;
    totals.set(kind, total);
    const owner = ownerOf(row.query);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + Number(row.calls));
  }
  return { byKind: totals, byOwner };
};
const measure = async (phase: Phase, body: () => Promise<void>): Promise<number> => {
  const statementsBefore = await statementTotals();
  const postgresBefore = postgresCpuMs() ?? 0;
  const cpuBefore = cpuMs();
  const started = performance.now();
  trips = phase.trips;
  await body();
  trips = undefined;
  const wallMs = performance.now() - started;
  phase.cpuMs += cpuMs() - cpuBefore;
  phase.postgresCpuMs += (postgresCpuMs() ?? 0) - postgresBefore;
  const statementsAfter = await statementTotals();
  for (const [owner, after] of statementsAfter.byOwner) {
    const calls = after - (statementsBefore.byOwner.get(owner) ?? 0);
    phase.owners.set(owner, (phase.owners.get(owner) ?? 0) + calls);
  }
  for (const [kind, after] of statementsAfter.byKind) {
    const before = statementsBefore.byKind.get(kind) ?? { calls: 0, ms: 0 };
    const total = phase.statements.get(kind) ?? { calls: 0, ms: 0 };
    total.calls += after.calls - before.calls;
    total.ms += after.ms - before.ms;
    phase.statements.set(kind, total);
  }
  return wallMs;
};
const durableRun = async (phase: Phase, runId: string): Promise<number> => {
  const ms = await measure(phase, async () => {
    await worker.runs.start('bench', { runId, input: runId });
    await worker.runs.result(runId);
  });
  // Execution only (dequeued → completed, by the database's clock): without the queue's dispatch
  // delay and the caller's wait for the result, which are per run, not per step.
  const status = await worker.runs.status(runId);
  phase.wallMs.push((status?.completedAt ?? 0) - (status?.dequeuedAt ?? 0));
  return ms;
};
// --profile=<file>: a CPU profile (.cpuprofile, for Chrome's DevTools) of the measured runs only.
const profileArgument = process.argv.find((argument) => argument.startsWith('--profile='));
const profiler = profileArgument === undefined ? undefined : new Session();
if (profiler !== undefined) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
  await profiler.post('Profiler.start');
}
const writtenBefore = await rowsWritten();
const tablesBefore = await tableWrites();
let durableMs = 0;
for (let index = 0; index < RUNS; index++) {
  plainPhase.wallMs.push(
    await measure(plainPhase, async () => {
      await plain.run(`plain ${index}`);
    }),
  );
  durableMs += await durableRun(durablePhase, `durable-${index}`);
  if (lean !== undefined) {
    lean.enabled = true;
    await durableRun(leanPhase, `lean-${index}`);
    lean.enabled = false;
  }
}
if (profiler !== undefined && profileArgument !== undefined) {
  const { profile } = await profiler.post('Profiler.stop');
  await writeFile(profileArgument.slice('--profile='.length), JSON.stringify(profile));
  profiler.disconnect();
}
const durableRuns = lean === undefined ? RUNS : 2 * RUNS;
const durableWritten = ((await rowsWritten()) - writtenBefore) * (RUNS / durableRuns);
const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const perStep = (ms: number): number => ms / RUNS / STEPS;
const plainMsPerStep = perStep(sum(plainPhase.wallMs));
// The median over runs of (durable - plain) of the same pair: robust to a load spike in one run.
const addedMedian = (phase: Phase): number =>
  median(phase.wallMs.map((ms, index) => ms - (plainPhase.wallMs[index] ?? 0))) / STEPS;

const tablesAfter = await tableWrites();
const tableShare = RUNS / durableRuns;
// Event writes (stream entries, the close included) and checkpoints per run, counted in the tables.
const { rows: perRun } = await stats.query<{ entries: string; outputs: string }>(
  `SELECT (SELECT count(*) FROM dbos.streams WHERE workflow_uuid LIKE 'durable-%') AS entries,
          (SELECT count(*) FROM dbos.operation_outputs WHERE workflow_uuid LIKE 'durable-%') AS outputs`,
);

// DBOS's serialization of the step outputs, on the outputs the runs recorded: what each step
// costs in this process for it (DBOS 5.3 writes and reads back each output with SuperJSON and
// walks it for functions), with the portable JSON format for comparison.
const { rows: recorded } = await stats.query<{ output: string | null; serialization: string }>(
  `SELECT output, serialization FROM dbos.operation_outputs
   WHERE workflow_uuid = 'durable-0' AND output IS NOT NULL`,
);
const serializationUs = async (format: 'native' | 'portable'): Promise<number> => {
  const values = await Promise.all(
    recorded.map((row) => deserializeValue(row.output, row.serialization, DBOSJSON)),
  );
  const rounds = 200;
  const before = cpuMs();
  for (let round = 0; round < rounds; round++) {
    for (const value of values) {
      await serializeFunctionInputOutput(value, ['step', '<result>'], DBOSJSON, format);
    }
  }
  return ((cpuMs() - before) * 1000) / rounds / STEPS;
};
await serializationUs('native'); // warm-up
const serializationNativeUs = await serializationUs('native');
const serializationPortableUs = await serializationUs('portable');

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

const phases: [string, Phase][] = [
  ['plain', plainPhase],
  ['durable', durablePhase],
  ...(lean === undefined ? [] : [['lean*', leanPhase] as [string, Phase]]),
];
const durables = phases.slice(1);
const cell = (each: (phase: Phase) => string, plainCell?: string): string[] =>
  phases.map(([, phase], index) =>
    index === 0 && plainCell !== undefined ? plainCell : each(phase),
  );
const cpu = (phase: Phase): number => phase.cpuMs + phase.postgresCpuMs;
// The worker polls its queues (every pollingIntervalMs) whatever runs: the plain runs' round
// trips are that alone, at a rate per ms that the durable runs pay for as long as they last.
const backgroundPerMs = plainPhase.trips.count / Math.max(sum(plainPhase.wallMs), 1);
const rows = [
  ['', ...phases.map(([name]) => name)],
  [
    'ms per step (model call + tool call)',
    ...cell((phase) => perStep(sum(phase.wallMs)).toFixed(2)),
  ],
  [
    'added ms per step (mean)',
    ...cell((phase) => (perStep(sum(phase.wallMs)) - plainMsPerStep).toFixed(2), ''),
  ],
  [
    'added ms per step (median of interleaved pairs)',
    ...cell((phase) => addedMedian(phase).toFixed(2), ''),
  ],
  ['CPU ms per step, this process', ...cell((phase) => perStep(phase.cpuMs).toFixed(2))],
  [
    'CPU ms per step, Postgres',
    ...cell((phase) =>
      postmasterPid === undefined ? 'n/a' : perStep(phase.postgresCpuMs).toFixed(2),
    ),
  ],
  [
    'added CPU ms per step (both)',
    ...cell((phase) => perStep(cpu(phase) - cpu(plainPhase)).toFixed(2), ''),
  ],
  [
    'Postgres round trips per step (all of this process)',
    ...cell((phase) => perStep(phase.trips.count).toFixed(1)),
  ],
  [
    '  of which background (queue polling, at the plain rate)',
    ...cell((phase) => perStep(backgroundPerMs * sum(phase.wallMs)).toFixed(1)),
  ],
  [
    'ms this process waited for Postgres per step',
    ...cell((phase) => perStep(sum([...phase.trips.waited.values()])).toFixed(2)),
  ],
  [
    'ms waiting for a pool connection per step',
    ...cell((phase) => perStep(phase.trips.poolWaitMs).toFixed(2)),
  ],
  [
    'checkouts that found the pool exhausted, per step',
    ...cell((phase) => perStep(phase.trips.poolWaits).toFixed(2)),
  ],
  [
    'ms Postgres executed statements per step',
    ...cell((phase) =>
      statements
        ? perStep(sum([...phase.statements.values()].map((total) => total.ms))).toFixed(2)
        : 'n/a',
    ),
  ],
];
console.log(
  `durable vs plain, ${RUNS} runs x ${STEPS} steps, interleaved${quick ? ' (quick)' : ''}${globalThis.gc ? '' : ' (run with --expose-gc for the heap figure)'}`,
);
const print = (table: string[][]): void => {
  for (const row of table)
    console.log(
      `| ${row.map((text, index) => (index === 0 ? text.padEnd(52) : text.padStart(8))).join(' | ')} |`,
    );
};
print(rows);
if (lean !== undefined) {
  console.log(
    "* lean: the same durable runs with DBOS's step checkpoint in 2 round trips instead of 7 (a prototype patched into this process: bench/src/durable/lean-steps.ts)",
  );
}
print([
  ['', 'durable'],
  ['ms per step, start to result (queue + result polling)', perStep(durableMs).toFixed(2)],
  ['Postgres rows written per step', (durableWritten / RUNS / STEPS).toFixed(1)],
  ['heap per paused run (waiting for approval)', `${(heapPerPaused / 1024).toFixed(1)} KiB`],
  ['one Postgres round trip (SELECT 1, median, at start)', roundTripMs.toFixed(2)],
  [
    "µs of DBOS's output serialization per step (SuperJSON; portable JSON)",
    `${serializationNativeUs.toFixed(0)}; ${serializationPortableUs.toFixed(0)}`,
  ],
  [
    `streamed answer (${answerSeconds.toFixed(1)} s): stream writes, per s`,
    `${streamEntries}, ${(streamEntries / Math.max(answerSeconds, 0.001)).toFixed(1)}/s`,
  ],
]);

console.log(
  `per run of ${STEPS} steps: ${Number(perRun[0]?.outputs) / RUNS} step records (one per model call and per tool call, one for the last events), ${Number(perRun[0]?.entries) / RUNS} event writes (stream entries, the close included)`,
);
for (const [name, phase] of durables) {
  console.log(
    `${name}: round trips per step by statement (count, ms this process waited for them, ms Postgres executed them):`,
  );
  const frequent = [...phase.trips.byKind].sort((a, b) => b[1] - a[1]).slice(0, 16);
  for (const [kind, count] of frequent) {
    const executed = phase.statements.get(kind)?.ms;
    const calls = perStep(count).toFixed(2).padStart(5);
    const waitedMs = perStep(phase.trips.waited.get(kind) ?? 0)
      .toFixed(2)
      .padStart(6);
    const executedMs = executed === undefined ? '     -' : perStep(executed).toFixed(3).padStart(6);
    console.log(`  ${calls}  ${waitedMs} ms  ${executedMs} ms  ${kind}`);
  }
}
// Step records by what made them (the name up to its first ':' or '@'): a record gemloop asks
// for (an event write from the workflow, a plugin hook's recording) costs DBOS's statements too.
const { rows: recordNames } = await stats.query<{ name: string; records: string }>(
  `SELECT regexp_replace(function_name, '[:@].*$', '') AS name, count(*) AS records
   FROM dbos.operation_outputs WHERE workflow_uuid LIKE 'durable-%' GROUP BY 1 ORDER BY 2 DESC`,
);
console.log(
  `step records per step, by name: ${recordNames.map((row) => `${row.name} ${perStep(Number(row.records)).toFixed(2)}`).join(', ')}`,
);
for (const [name, phase] of durables) {
  // gemloop's own statements are only made by runs; DBOS's and the transaction control include
  // the worker's queue polling while the runs lasted (the background row above).
  const owners = [...phase.owners].filter(([owner]) => owner !== 'bench');
  const own = owners
    .filter(([owner]) => owner.startsWith('gemloop'))
    .reduce((total, [, calls]) => total + calls, 0);
  const clock = phase.owners.get('gemloop: worker background (clock-driven)') ?? 0;
  console.log(
    `${name}: statements per step by owner (Postgres's count, pg_stat_statements), gemloop's own ${perStep(own).toFixed(2)} (${perStep(own - clock).toFixed(2)} without the worker's clock-driven background):`,
  );
  for (const [owner, calls] of owners.sort((a, b) => b[1] - a[1])) {
    console.log(`  ${perStep(calls).toFixed(2).padStart(5)}  ${owner}`);
  }
}
if (lean === undefined) {
  console.log('(--lean adds runs with the 2-round-trip step prototype, interleaved)');
}
console.log('rows written per step, by table (the durable runs above):');
for (const [name, after] of tablesAfter) {
  const written = ((after - (tablesBefore.get(name) ?? 0)) * tableShare) / RUNS / STEPS;
  if (written > 0) console.log(`  ${name}: ${written.toFixed(2)}`);
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
