/**
 * `pnpm --filter @gemloop/bench run rate-limit [-- --seconds=N --limit=N --period-ms=N]`: how
 * much of a fleet rate limit durable runs use (issue 26), and what the limit costs in Postgres.
 *
 * An in-process durable worker (32 runs at once) gets more one-call runs than the limit lets
 * through, against the fake Gemini on 127.0.0.1 and an embedded Postgres (or DATABASE_URL).
 * From the fake's arrival times: the requests received in the first `seconds` seconds from the
 * first one, as a share of what the limit allows (the goal: at least 90% on a quiet machine),
 * the sustained rate (the same requests over the time they took), and the busiest window of one
 * period (never over the limit; the exit code is 1 if it is). From this process's Postgres
 * statements: those of the limit (taking and freeing a slot) per model call.
 */
import { loadavg } from 'node:os';
import { createGemini } from '@gemloop/core';
import { startDurableWorker } from '@gemloop/dbos';
import { createDatabase, startEmbeddedPostgres } from '@gemloop/dbos/testing';
import { createFakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';

const argument = (name: string, fallback: number): number => {
  const found = process.argv.find((value) => value.startsWith(`--${name}=`));
  return found === undefined ? fallback : Number(found.slice(name.length + 3));
};
const SECONDS = argument('seconds', 10);
const LIMIT = argument('limit', 20);
const PERIOD_MS = argument('period-ms', 1000);
const MODEL = 'gemini-3-flash-preview';
// Enough runs that the limit, not the demand, sets the pace until well past the measured span.
const RUNS = Math.ceil((LIMIT * (SECONDS * 1000 + 3 * PERIOD_MS)) / PERIOD_MS);

// The limit's statements, by their text: taking a slot and freeing one.
const statements = { take: 0, free: 0 };
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
  const text = String(
    typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: unknown } | null)?.text ?? ''),
  );
  if (text.includes('rate_limit_slots')) {
    if (text.includes('WITH candidate')) statements.take++;
    else if (text.includes('in_flight = false')) statements.free++;
  }
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof originalQuery;

const fake = createFakeGemini({ script: () => turn.text('ok') });
await fake.listen();
const postgres = await startEmbeddedPostgres({ databaseUrl: process.env['DATABASE_URL'] });
const databaseUrl = await createDatabase(postgres.url, 'bench_rate_limit');
const worker = await startDurableWorker({
  databaseUrl,
  agents: {
    bench: { gemini: createGemini({ apiKey: 'bench', baseUrl: fake.url }), model: MODEL },
  },
  workerConcurrency: 32,
  pollingIntervalMs: 50,
  takeover: false,
  logLevel: 'error',
  modelRateLimits: { [MODEL]: { requests: LIMIT, periodMs: PERIOD_MS } },
});

const loadBefore = loadavg()[0] ?? 0;
const ids = Array.from({ length: RUNS }, (_, index) => `rate-${index}`);
for (const runId of ids) await worker.runs.start('bench', { runId, input: 'Hi' });
await Promise.all(ids.map((runId) => worker.runs.result(runId)));

const received = fake.requests.map((request) => request.receivedAt).sort((a, b) => a - b);
const first = received[0] ?? 0;
const span = received.filter((time) => time < first + SECONDS * 1000);
const inSpan = span.length;
// Requests in the span over the time they took, each counted with the period it opened: a
// perfect limit (bursts of LIMIT exactly a period apart) is 100%; the time a slot spends between
// one period's end and its next request (answer, freeing, waking, taking) shows here, where the
// count in a fixed span rounds it away.
const sustained = (inSpan * PERIOD_MS) / (LIMIT * ((span.at(-1) ?? first) - first + PERIOD_MS));
const allowed = (LIMIT * SECONDS * 1000) / PERIOD_MS;
let busiest = 0;
for (let start = 0, end = 0; start < received.length; start++) {
  while (
    end < received.length &&
    (received[end] as number) < (received[start] as number) + PERIOD_MS
  )
    end++;
  busiest = Math.max(busiest, end - start);
}
const calls = fake.requests.length;
console.log(`limit ${LIMIT} per ${PERIOD_MS} ms; ${RUNS} one-call runs on one worker (32 at once)`);
console.log(
  `quota used over ${SECONDS} s: ${inSpan} of ${allowed} requests (${((100 * inSpan) / allowed).toFixed(1)}%)`,
);
console.log(`sustained rate: ${(100 * sustained).toFixed(1)}% of the limit`);
console.log(`busiest window of ${PERIOD_MS} ms: ${busiest} requests (limit ${LIMIT})`);
console.log(
  `limit statements per model call: ${((statements.take + statements.free) / calls).toFixed(2)} ` +
    `(take ${(statements.take / calls).toFixed(2)}, free ${(statements.free / calls).toFixed(2)}; ${calls} calls)`,
);
console.log(
  `load average (1 min): ${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} after`,
);

await worker.shutdown();
await fake.close();
await postgres.stop();
if (busiest > LIMIT) process.exitCode = 1;
