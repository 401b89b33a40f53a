/**
 * `pnpm --filter @gemloop/bench exec tsx src/durable/fleet-probe.ts`: one experiment of the fleet
 * bench's sweep, small enough to repeat with one setting changed (issue 35's unexplained
 * latency: added latency per step grew 24 → 203 ms p50 from 2 to 10 active runs on one worker
 * with idle CPUs). One worker process (`fleet-worker.ts`), ACTIVE lanes of `STEPS`-step runs
 * (one tool call a step), PAUSED runs paused on approvals and LONG runs in a long tool first.
 * Environment: ACTIVE (2), PAUSED (0), LONG (0), STEPS (5), WINDOW_MS (6000), MODEL_MS (200),
 * CONCURRENCY (ACTIVE + LONG + 8), and every `W_<NAME>` is passed to the worker as `<NAME>`
 * (`W_POOL_SIZE=20`, `W_BATCH_MS=50`, `W_STEERING=off`: see `fleet-worker.ts`).
 *
 * Prints one line: the setting, steps/s, added latency per step p50/p99 (the gap between the
 * fake answering a step and the run's next request: gemloop + DBOS + Postgres), and the
 * statements per step when Postgres has pg_stat_statements.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createDurableRuns } from '@gemloop/dbos';
import { startEmbeddedPostgres } from '@gemloop/dbos/testing';
import { createFakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';

const env = process.env;
const ACTIVE = Number(env['ACTIVE'] ?? '2');
const PAUSED = Number(env['PAUSED'] ?? '0');
const LONG = Number(env['LONG'] ?? '0');
const STEPS = Number(env['STEPS'] ?? '5');
const WINDOW_MS = Number(env['WINDOW_MS'] ?? '6000');
const MODEL_MS = Number(env['MODEL_MS'] ?? '200');
const CONCURRENCY = env['CONCURRENCY'] ?? String(ACTIVE + LONG + 8);
const WORKER_SCRIPT = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));
const BENCH_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

const traces = new Map<string, { arrivals: number[]; answers: number[] }>();
let calls = 0;
const fake = createFakeGemini({
  script: async (request, context) => {
    const arrived = Date.now();
    calls++;
    const [kind, count, id = ''] = (context.lastUserText ?? '').split(' ');
    const trace = traces.get(id) ?? { arrivals: [], answers: [] };
    traces.set(id, trace);
    trace.arrivals.push(arrived);
    await sleep(MODEL_MS);
    trace.answers.push(Date.now());
    const done = request.body.contents.filter((content) =>
      content.parts?.some((part) => 'functionResponse' in part),
    ).length;
    if (kind === 'approve' && done === 0) return turn.call('refund', { order: '7' });
    if (kind === 'long' && done === 0) return turn.call('wait', { order: '7' });
    if (kind === 'steps' && done < Number(count))
      return turn.call('lookup', { order: String(done) });
    return turn.text('done');
  },
});
await fake.listen();
const postgres = await startEmbeddedPostgres({
  databaseUrl: env['DATABASE_URL'],
  settings: { shared_preload_libraries: 'pg_stat_statements' },
});
const url = await postgres.createDatabase('probe');
const pool = new pg.Pool({ connectionString: url, max: 1 });
const statements = await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').then(
  () => true,
  () => false,
);
const statementCount = async (): Promise<number> =>
  statements
    ? Number(
        (
          await pool.query<{ n: string }>(
            `SELECT coalesce(sum(calls), 0)::text AS n FROM pg_stat_statements
              WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND query !~ 'pg_stat_statements|pg_database'`,
          )
        ).rows[0]?.n,
      )
    : Number.NaN;

const workerEnv: Record<string, string> = {};
for (const [name, value] of Object.entries(env))
  if (name.startsWith('W_') && value !== undefined) workerEnv[name.slice(2)] = value;
const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
  cwd: BENCH_ROOT,
  env: { ...env, DATABASE_URL: url, FAKE_URL: fake.url, CONCURRENCY, ...workerEnv },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
child.stdout?.on('data', (chunk: Buffer) => {
  output += chunk.toString();
});
child.stderr?.on('data', (chunk: Buffer) => {
  output += chunk.toString();
});
while (!/ready \S+/.test(output)) {
  if (child.exitCode !== null) throw new Error(`the worker exited:\n${output}`);
  await sleep(50);
}
const runs = await createDurableRuns({ databaseUrl: url });
try {
  await Promise.all([
    ...Array.from({ length: PAUSED }, (_, n) =>
      runs.start('approver', { runId: `p-${n}`, input: `approve 0 p-${n}` }),
    ),
    ...Array.from({ length: LONG }, (_, n) =>
      runs.start('long', { runId: `l-${n}`, input: `long 0 l-${n}` }),
    ),
  ]);
  while (true) {
    const { rows } = await pool
      .query<{ n: string }>(
        'SELECT count(*)::text AS n FROM gemloop.approvals WHERE waiting AND paused',
      )
      .catch(() => ({ rows: [{ n: '0' }] }));
    const inTool = [...traces.keys()].filter((id) => id.startsWith('l-')).length;
    if (Number(rows[0]?.n) >= PAUSED && inTool >= LONG) break;
    await sleep(200);
  }
  let stop = false;
  const lane = async (n: number): Promise<void> => {
    for (let k = 0; !stop; k++) {
      const id = `a-${n}-${k}`;
      await runs.start('steps', { runId: id, input: `steps ${STEPS} ${id}` });
      await runs.result(id);
    }
  };
  const lanes = Array.from({ length: ACTIVE }, (_, n) => lane(n));
  await sleep(1500);
  const statementsBefore = await statementCount();
  const callsBefore = calls;
  const windowStart = Date.now();
  const activity = new Map<string, number>();
  let samples = 0;
  while (Date.now() - windowStart < WINDOW_MS) {
    if (env['ACTIVITY'] === '1') {
      samples++;
      const { rows } = await pool.query<{ state: string; query: string; wait: string | null }>(
        `SELECT state, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query, wait_event AS wait
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      for (const row of rows) {
        const key = row.state === 'idle' ? 'idle' : `${row.state} [${row.wait}] ${row.query}`;
        activity.set(key, (activity.get(key) ?? 0) + 1);
      }
    }
    await sleep(100);
  }
  if (samples > 0)
    for (const [key, n] of [...activity].sort((a, b) => b[1] - a[1]).slice(0, 15))
      process.stdout.write(`activity ${(n / samples).toFixed(2)} ${key}\n`);
  const windowEnd = Date.now();
  const steps = calls - callsBefore;
  const statementsPerStep = ((await statementCount()) - statementsBefore) / steps;
  stop = true;
  await Promise.all(lanes);
  const gaps: number[] = [];
  for (const [id, trace] of traces) {
    if (!id.startsWith('a-')) continue;
    for (let k = 1; k < trace.arrivals.length; k++) {
      const answered = trace.answers[k - 1] as number;
      const next = trace.arrivals[k] as number;
      if (answered >= windowStart && next <= windowEnd) gaps.push(next - answered);
    }
  }
  const setting = Object.entries(workerEnv)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  process.stdout.write(
    `active=${ACTIVE} paused=${PAUSED} long=${LONG} ${setting}: ${(steps / (WINDOW_MS / 1000)).toFixed(1)} steps/s, added p50 ${quantile(gaps, 0.5)} ms p99 ${quantile(gaps, 0.99)} ms (${gaps.length} gaps), ${statementsPerStep.toFixed(1)} statements/step\n`,
  );
  if (workerEnv['TRACE'] === '1') {
    child.kill('SIGUSR1');
    await sleep(500);
    process.stdout.write(
      `${output
        .split('\n')
        .filter((line) => line.startsWith('trace'))
        .join('\n')}\n`,
    );
  }
} finally {
  await runs.close();
  child.kill('SIGKILL');
  await pool.end();
  await fake.close();
  await postgres.stop();
}
