/**
 * `pnpm --filter @gemloop/bench run durable:fleet [-- --full] [-- --smoke] [-- --json=<path>]`:
 * the durable fleet at scale (issue 35). Real worker processes (`fleet-worker.ts`), an embedded
 * Postgres started here with `pg_stat_statements` (or DATABASE_URL, without statement counts when
 * it lacks the extension), the fake Gemini in this process answering each call after MODEL_MS.
 *
 * 1. Idle fleet: start latency (`runs.start()` → the worker's first model request, both clocks of
 *    this machine) and finish latency (the run's `completedAt`, Postgres's clock → `result()`
 *    returns), one run at a time on one worker with the default poll; and what an idle worker
 *    costs Postgres (statements, transactions and WAL a second).
 * 2. Statements per agent step with one tool call, itemised by owner (gemloop, DBOS,
 *    transaction control), the idle fleet's background subtracted.
 * 3. The sweep: 1, 2 (and 4 with --full) workers × runs in flight (most paused on approvals, some
 *    in a long tool, the rest active): steps/s, statements and WAL bytes per step, Postgres and
 *    worker CPU, worker RSS, p50/p99 added latency per step (the gap between the fake answering
 *    one step and the next step's request, which is all gemloop + DBOS + Postgres).
 *
 * Prints markdown (stdout); progress on stderr.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createDurableRuns } from '@gemloop/dbos';
import { startEmbeddedPostgres } from '@gemloop/dbos/testing';
import { createFakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { ownerOf } from './statement-owner.ts';

const argv = process.argv.slice(2);
const FULL = argv.includes('--full');
const SMOKE = argv.includes('--smoke');
const jsonArgument = argv.find((argument) => argument.startsWith('--json='));
const MODEL_MS = Number(process.env['MODEL_MS'] ?? '200');
const STEPS_PER_RUN = 5;
const IDLE_RUNS = SMOKE ? 3 : FULL ? 30 : 12;
const WINDOW_MS = SMOKE ? 2000 : FULL ? 15_000 : 6000;
const WORKER_COUNTS = SMOKE ? [1] : FULL ? [1, 2, 4] : [1, 2];
const IN_FLIGHT = SMOKE ? [10] : FULL ? [10, 100, 1000] : [10, 100];

/** One setting of the sweep: workers, and runs in flight by kind. */
type Setting = {
  workers: number;
  active: number;
  paused: number;
  long: number;
  /** The scenario: the fleet rate limiter on (a limit never reached, so only its cost shows). */
  limiter?: boolean;
  /** The scenario: each active run is steered once, at its first tool call. */
  steered?: boolean;
};
const byShare = (workers: number, inFlight: number): Setting => {
  const long = Math.max(1, Math.floor(inFlight * 0.1));
  const active = Math.max(2, Math.floor(inFlight * 0.1));
  return { workers, active, long, paused: Math.max(0, inFlight - long - active) };
};
/**
 * `--sweep=1x10/1000/0,2x100`: the sweep's settings instead of the default grid, each
 * `<workers>x<active>/<paused>/<long>` or `<workers>x<in flight>` (10% active, 10% long, the rest
 * paused). The issue's memory goal is `--sweep=1x50/1000/0` (`--full` adds it to its grid).
 * `--no-sweep`: none (the idle fleet and statements per step only).
 */
const sweepArgument = argv.find((argument) => argument.startsWith('--sweep='));
function parseSetting(text: string): Setting {
  const match = /^(\d+)x(\d+)(?:\/(\d+)\/(\d+))?$/.exec(text.trim());
  if (match === null)
    throw new Error(
      `--sweep: "${text}" is not <workers>x<in flight> or <workers>x<active>/<paused>/<long> (e.g. 1x50/1000/0)`,
    );
  const [, workers, first, paused, long] = match;
  return paused === undefined
    ? byShare(Number(workers), Number(first))
    : {
        workers: Number(workers),
        active: Number(first),
        paused: Number(paused),
        long: Number(long),
      };
}
const SWEEP: Setting[] = argv.includes('--no-sweep')
  ? []
  : sweepArgument !== undefined
    ? sweepArgument.slice(8).split(',').map(parseSetting)
    : [
        ...WORKER_COUNTS.flatMap((workers) =>
          IN_FLIGHT.map((inFlight) => byShare(workers, inFlight)),
        ),
        ...(FULL ? [{ workers: 1, active: 50, paused: 1000, long: 0 }] : []),
      ];
/**
 * The limiter/steering scenario (issue 35): one worker, the same active runs with the fleet
 * rate limiter and steering off and on. `--no-scenarios` skips it.
 */
const SCENARIOS: Setting[] =
  SMOKE || argv.includes('--no-scenarios')
    ? []
    : [
        { workers: 1, active: 10, paused: 0, long: 0 },
        { workers: 1, active: 10, paused: 0, long: 0, limiter: true },
        { workers: 1, active: 10, paused: 0, long: 0, steered: true },
        { workers: 1, active: 10, paused: 0, long: 0, limiter: true, steered: true },
      ];
const WORKER_SCRIPT = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));
const BENCH_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const log = (line: string): void => {
  process.stderr.write(`[fleet] ${line}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (values: readonly number[], q: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
};
const fixed = (value: number, digits = 1): string =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';

// --- the fake: `steps <n> <id>` looks an order up n times, one call per turn --------------------
type Trace = { arrivals: number[]; answers: number[] };
const traces = new Map<string, Trace>();
let modelCalls = 0;
const fake = createFakeGemini({
  script: async (request, context) => {
    const arrived = Date.now();
    modelCalls++;
    // The run's input, the first content (a steer is a later user content).
    const first = request.body.contents[0]?.parts?.find((part) => typeof part.text === 'string');
    const [kind, count, id] = (first?.text ?? context.lastUserText ?? '').split(' ');
    let trace = id === undefined ? undefined : traces.get(id);
    if (id !== undefined && trace === undefined) {
      trace = { arrivals: [], answers: [] };
      traces.set(id, trace);
    }
    trace?.arrivals.push(arrived);
    await sleep(MODEL_MS);
    trace?.answers.push(Date.now());
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

// --- Postgres -----------------------------------------------------------------------------------
const postgres = await startEmbeddedPostgres({
  databaseUrl: process.env['DATABASE_URL'],
  settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.max': '10000' },
});

type Database = { url: string; pool: pg.Pool; statements: boolean };
async function freshDatabase(prefix: string): Promise<Database> {
  const url = await postgres.createDatabase(prefix);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  const statements = await pool
    .query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements')
    .then(() => pool.query('SELECT count(*) FROM pg_stat_statements'))
    .then(
      () => true,
      () => false,
    );
  return { url, pool, statements };
}

type Counters = {
  at: number;
  walBytes: number;
  commits: number;
  statements: Map<string, number>;
  postgresCpuMicros: number;
};
const TICKS = 100; // USER_HZ on Linux
async function counters(database: Database): Promise<Counters> {
  const { rows: wal } = await database.pool.query<{ lsn: string }>(
    `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS lsn`,
  );
  const { rows: xacts } = await database.pool.query<{ commits: string }>(
    'SELECT xact_commit::text AS commits FROM pg_stat_database WHERE datname = current_database()',
  );
  const statements = new Map<string, number>();
  if (database.statements) {
    const { rows } = await database.pool.query<{ query: string; calls: string }>(
      `SELECT query, sum(calls)::text AS calls FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        GROUP BY query`,
    );
    for (const row of rows) statements.set(row.query, Number(row.calls));
  }
  // Postgres's CPU: every server process of this cluster that pg_stat_activity lists.
  const { rows: pids } = await database.pool.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity',
  );
  let ticks = 0;
  for (const { pid } of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return {
    at: Date.now(),
    walBytes: Number(wal[0]?.lsn),
    commits: Number(xacts[0]?.commits),
    statements,
    postgresCpuMicros: (ticks / TICKS) * 1e6,
  };
}

function statementDelta(before: Counters, after: Counters): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [query, calls] of after.statements) {
    const d = calls - (before.statements.get(query) ?? 0);
    if (d > 0 && ownerOf(query) !== 'bench') delta.set(query, d);
  }
  return delta;
}
const sum = (map: Map<string, number>): number => [...map.values()].reduce((a, b) => a + b, 0);

// --- workers ------------------------------------------------------------------------------------
type Worker = { child: ChildProcess; output: () => string };
async function startWorker(database: Database, env: Record<string, string>): Promise<Worker> {
  // Node itself with tsx's loader, not the tsx CLI: signals (SIGUSR2, SIGKILL) reach the worker,
  // and a killed worker leaves no orphan behind.
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
    cwd: BENCH_ROOT,
    env: { ...process.env, DATABASE_URL: database.url, FAKE_URL: fake.url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const started = Date.now();
  while (!/ready \S+/.test(output)) {
    if (child.exitCode !== null) throw new Error(`a fleet worker exited:\n${output}`);
    if (Date.now() - started > 120_000) throw new Error(`a fleet worker did not start:\n${output}`);
    await sleep(50);
  }
  return { child, output: () => output };
}
async function usage(worker: Worker): Promise<{ cpuMicros: number; rss: number }> {
  const before = worker.output().length;
  worker.child.kill('SIGUSR2');
  for (let tries = 0; tries < 200; tries++) {
    const match = /usage (\d+) (\d+)\n/.exec(worker.output().slice(before));
    if (match !== null) return { cpuMicros: Number(match[1]), rss: Number(match[2]) };
    await sleep(25);
  }
  return { cpuMicros: Number.NaN, rss: Number.NaN };
}
async function stopWorkers(workers: readonly Worker[]): Promise<void> {
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.child.exitCode !== null) return resolve();
          worker.child.once('exit', () => resolve());
          worker.child.kill('SIGKILL');
        }),
    ),
  );
}
/** Machine-wide busy fraction of all cores over a window (from /proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

const output: string[] = [];
const say = (line = ''): void => {
  output.push(line);
};
const json: Record<string, unknown> = { modelMs: MODEL_MS, full: FULL };
/** The idle fleet's statements a second (section 1): the sweep's background per step is read from it. */
let idleStatementsPerSecond = Number.NaN;

// --- 1. the idle fleet --------------------------------------------------------------------------
{
  log('idle fleet: one worker, the default poll');
  const database = await freshDatabase('fleet_idle');
  const workers = [await startWorker(database, { CONCURRENCY: '8' })];
  const runs = await createDurableRuns({ databaseUrl: database.url });
  try {
    // Warm-up (connections, JIT), unmeasured.
    await runs.start('steps', { runId: 'warm', input: 'steps 1 warm' });
    await runs.result('warm');
    await sleep(1500);
    const idleBefore = await counters(database);
    await sleep(SMOKE ? 1000 : 3000);
    const idleAfter = await counters(database);
    const idleSeconds = (idleAfter.at - idleBefore.at) / 1000;
    const idleStatements = statementDelta(idleBefore, idleAfter);
    idleStatementsPerSecond = sum(idleStatements) / idleSeconds;
    const idle = {
      statementsPerSecond: idleStatementsPerSecond,
      commitsPerSecond: (idleAfter.commits - idleBefore.commits) / idleSeconds,
      walBytesPerSecond: (idleAfter.walBytes - idleBefore.walBytes) / idleSeconds,
    };

    const starts: number[] = [];
    const finishes: number[] = [];
    for (let index = 0; index < IDLE_RUNS; index++) {
      const id = `idle-${index}`;
      const t0 = Date.now();
      await runs.start('steps', { runId: id, input: `steps 1 ${id}` });
      await runs.result(id);
      const returned = Date.now();
      const status = await runs.status(id);
      const first = traces.get(id)?.arrivals[0];
      if (first !== undefined) starts.push(first - t0);
      if (status?.completedAt !== undefined) finishes.push(returned - status.completedAt);
      // Spread the starts over the poll's phase, as independent callers would.
      await sleep(97 + ((index * 37) % 100));
    }

    // 2. statements per agent step, one tool call each, the idle background subtracted.
    log('statements per agent step');
    const before = await counters(database);
    const stepRuns = SMOKE ? 2 : 6;
    for (let index = 0; index < stepRuns; index++) {
      const id = `count-${index}`;
      await runs.start('steps', { runId: id, input: `steps ${STEPS_PER_RUN} ${id}` });
      await runs.result(id);
    }
    const after = await counters(database);
    const seconds = (after.at - before.at) / 1000;
    // Agent steps: model calls that answered with a tool call (the final text turn is a step too).
    const agentSteps = stepRuns * (STEPS_PER_RUN + 1);
    const delta = statementDelta(before, after);
    const itemised = [...delta.entries()]
      .map(([query, calls]) => {
        const background = (idleStatements.get(query) ?? 0) * (seconds / idleSeconds);
        return { query, owner: ownerOf(query), perStep: (calls - background) / agentSteps };
      })
      .filter((row) => row.perStep >= 0.05)
      .sort((a, b) => b.perStep - a.perStep);
    const byOwner = new Map<string, number>();
    for (const row of itemised) byOwner.set(row.owner, (byOwner.get(row.owner) ?? 0) + row.perStep);

    say('## Durable fleet (issue 35)');
    say();
    say(
      `Fake model latency ${MODEL_MS} ms per call; ${cpus().length} cores; embedded Postgres ${database.statements ? 'with' : 'without'} pg_stat_statements.`,
    );
    say();
    say('### Idle fleet: start and finish latency (one worker, default poll)');
    say();
    say('| | p50 ms | p99 ms | runs |');
    say('|---|---:|---:|---:|');
    say(
      `| start → first model request | ${fixed(quantile(starts, 0.5))} | ${fixed(quantile(starts, 0.99))} | ${starts.length} |`,
    );
    say(
      `| run end → result() returns | ${fixed(quantile(finishes, 0.5))} | ${fixed(quantile(finishes, 0.99))} | ${finishes.length} |`,
    );
    say();
    say(
      `An idle worker costs Postgres ${fixed(idle.statementsPerSecond)} statements/s, ${fixed(idle.commitsPerSecond)} commits/s, ${fixed(idle.walBytesPerSecond / 1024)} KiB WAL/s (queue polls, DBOS's queue reconcile and delayed-workflow sweep, heartbeats).`,
    );
    say();
    say(
      `### Statements per agent step (one tool call), ${agentSteps} steps, idle background subtracted`,
    );
    say();
    say('| owner | statements/step |');
    say('|---|---:|');
    for (const [owner, perStep] of byOwner) say(`| ${owner} | ${fixed(perStep, 2)} |`);
    say(
      `| **total** | ${fixed(
        [...byOwner.values()].reduce((a, b) => a + b, 0),
        2,
      )} |`,
    );
    say();
    say('| owner | per step | statement |');
    say('|---|---:|---|');
    for (const row of itemised)
      say(
        `| ${row.owner} | ${fixed(row.perStep, 2)} | \`${row.query.replace(/\s+/g, ' ').replaceAll('|', '\\|').slice(0, 110)}\` |`,
      );
    say();
    json['idle'] = { ...idle, starts, finishes, byOwner: Object.fromEntries(byOwner), itemised };
  } finally {
    await runs.close();
    await stopWorkers(workers);
    await database.pool.end();
  }
}

// --- 3. the sweep -------------------------------------------------------------------------------
type Row = {
  /** Set for the limiter/steering scenario's rows. */
  scenario: string | undefined;
  /** The machine's 1-minute load average when the setting started (other jobs included). */
  load: number;
  statementsByOwner: Record<string, number>;
  workers: number;
  inFlight: number;
  active: number;
  paused: number;
  long: number;
  stepsPerSecond: number;
  statementsPerStep: number;
  walBytesPerStep: number;
  postgresCores: number;
  workerCores: number;
  machineBusy: number;
  rssMb: number;
  addedP50: number;
  addedP99: number;
};
const rows: Row[] = [];
let settingIndex = 0;
for (const setting of [...SWEEP, ...SCENARIOS]) {
  {
    const { workers: workerCount, active, paused, long } = setting;
    const inFlight = active + paused + long;
    const scenario = SWEEP.includes(setting) ? undefined : setting;
    log(
      `${scenario === undefined ? 'sweep' : `scenario (limiter ${setting.limiter ? 'on' : 'off'}, steering ${setting.steered ? 'on' : 'off'})`}: ${workerCount} workers, ${inFlight} in flight (${active} active, ${paused} paused, ${long} in a long tool); load ${loadavg()[0]?.toFixed(1)}`,
    );
    const tag = `${workerCount}x${inFlight}-${settingIndex++}`;
    const database = await freshDatabase(`fleet_${tag.replace('-', '_')}`);
    const workers: Worker[] = [];
    for (let n = 0; n < workerCount; n++)
      workers.push(
        await startWorker(database, {
          CONCURRENCY: String(active + long + 8),
          ...(setting.limiter === true ? { RATE_LIMIT: '1' } : {}),
        }),
      );
    const runs = await createDurableRuns({ databaseUrl: database.url });
    const loadBefore = loadavg()[0] ?? Number.NaN;
    try {
      const starts: Promise<unknown>[] = [];
      for (let n = 0; n < paused; n++)
        starts.push(
          runs.start('approver', { runId: `p-${tag}-${n}`, input: `approve 0 p-${tag}-${n}` }),
        );
      for (let n = 0; n < long; n++)
        starts.push(runs.start('long', { runId: `l-${tag}-${n}`, input: `long 0 l-${tag}-${n}` }));
      await Promise.all(starts);
      // Wait until the paused runs paused and the long ones sit in their tool.
      const settled = Date.now();
      while (true) {
        const { rows: waiting } = await database.pool.query<{ n: string }>(
          'SELECT count(*)::text AS n FROM gemloop.approvals WHERE waiting AND paused',
        );
        const inTool = [...traces.keys()].filter((id) => id.startsWith(`l-${tag}-`)).length;
        if (Number(waiting[0]?.n) >= paused && inTool >= long) break;
        // A hang guard: at load 21 the 1,000 paused runs took over two minutes to pause.
        if (Date.now() - settled > 600_000)
          throw new Error(
            `only ${waiting[0]?.n} of ${paused} runs paused, ${inTool} of ${long} in the long tool`,
          );
        await sleep(200);
      }
      let stop = false;
      let lanesStarted = 0;
      const lane = async (n: number): Promise<void> => {
        for (let k = 0; !stop; k++) {
          const id = `a-${tag}-${n}-${k}`;
          lanesStarted++;
          await runs.start('steps', { runId: id, input: `steps ${STEPS_PER_RUN} ${id}` });
          // Steered once while its first model call is under way: read at the next boundary.
          if (setting.steered === true) await runs.steer(id, 'Also say when it ships.');
          await runs.result(id);
        }
      };
      // Let the lanes reach a steady state before the window.
      const lanes = Array.from({ length: active }, (_, n) => lane(n));
      await sleep(1500);
      const before = await counters(database);
      const usageBefore = await Promise.all(workers.map(usage));
      const machineBefore = machineTicks();
      const callsBefore = modelCalls;
      const windowStart = Date.now();
      await sleep(WINDOW_MS);
      const windowEnd = Date.now();
      const after = await counters(database);
      const usageAfter = await Promise.all(workers.map(usage));
      const machineAfter = machineTicks();
      const steps = modelCalls - callsBefore;
      stop = true;
      await Promise.all(lanes);
      const seconds = (after.at - before.at) / 1000;
      const gaps: number[] = [];
      for (const [id, trace] of traces) {
        if (!id.startsWith(`a-${tag}-`)) continue;
        for (let k = 1; k < trace.arrivals.length; k++) {
          const answered = trace.answers[k - 1] as number;
          const next = trace.arrivals[k] as number;
          if (answered >= windowStart && next <= windowEnd) gaps.push(next - answered);
        }
      }
      const workerCpu = usageAfter.reduce(
        (total, u, n) => total + (u.cpuMicros - (usageBefore[n]?.cpuMicros ?? 0)),
        0,
      );
      rows.push({
        scenario:
          scenario === undefined
            ? undefined
            : `limiter ${scenario.limiter === true ? 'on' : 'off'}, steering ${scenario.steered === true ? 'on' : 'off'}`,
        load: loadBefore,
        statementsByOwner: Object.fromEntries(
          [...statementDelta(before, after)].reduce((owners, [query, calls]) => {
            const owner = ownerOf(query);
            owners.set(owner, (owners.get(owner) ?? 0) + calls / steps);
            return owners;
          }, new Map<string, number>()),
        ),
        workers: workerCount,
        inFlight,
        active,
        paused,
        long,
        stepsPerSecond: steps / seconds,
        statementsPerStep: database.statements
          ? sum(statementDelta(before, after)) / steps
          : Number.NaN,
        walBytesPerStep: (after.walBytes - before.walBytes) / steps,
        postgresCores: (after.postgresCpuMicros - before.postgresCpuMicros) / 1e6 / seconds,
        workerCores: workerCpu / 1e6 / seconds,
        machineBusy:
          (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
        rssMb: Math.max(...usageAfter.map((u) => u.rss)) / 2 ** 20,
        addedP50: quantile(gaps, 0.5),
        addedP99: quantile(gaps, 0.99),
      });
      log(`  ${fixed(steps / seconds)} steps/s, ${lanesStarted} runs started`);
    } finally {
      await runs.close();
      await stopWorkers(workers);
      await database.pool.end();
    }
  }
}

say('### Sweep: workers × runs in flight');
say();
say(
  `Runs in flight: 10% active (each a loop of ${STEPS_PER_RUN}-step runs, one tool call a step, started one after another), 10% in a long tool (holding a worker slot), the rest paused on approvals. Window ${WINDOW_MS / 1000} s. "Added" is the gap between the fake answering a step and the next step's request: gemloop + DBOS + Postgres. Cores: CPU seconds per second; machine: busy share of all ${cpus().length} cores.`,
);
say();
say(
  '| workers | in flight (active/paused/long) | steps/s | statements/step | WAL KiB/step | added p50 ms | added p99 ms | Postgres cores | worker cores | machine busy | load | max worker RSS MB |',
);
say('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const sweepRows = rows.filter((row) => row.scenario === undefined);
for (const row of sweepRows)
  say(
    `| ${row.workers} | ${row.inFlight} (${row.active}/${row.paused}/${row.long}) | ${fixed(row.stepsPerSecond)} | ${fixed(row.statementsPerStep)} | ${fixed(row.walBytesPerStep / 1024, 2)} | ${fixed(row.addedP50)} | ${fixed(row.addedP99)} | ${fixed(row.postgresCores, 2)} | ${fixed(row.workerCores, 2)} | ${fixed(row.machineBusy * 100, 0)}% | ${fixed(row.load)} | ${fixed(row.rssMb, 0)} |`,
  );
say();
// By owner, as the scenarios are: which statements a step grew by when a figure moved (issue 53:
// "no worse in the 1,000-paused + 50-active sweep"). The idle background is time-driven (queue
// polls), so its share per step grows as steps slow down; so do the event writes (one per
// `batchMs` a run, not one per step).
if (sweepRows.some((row) => Object.keys(row.statementsByOwner).length > 0)) {
  const owners = [
    ...new Set(sweepRows.flatMap((row) => Object.keys(row.statementsByOwner))),
  ].sort();
  say(
    `Statements per step by owner (the background included; "idle rate" is one idle worker's statements a second, section 1, over the setting's steps a second):`,
  );
  say();
  say(`| workers | in flight | ${owners.join(' | ')} | idle rate per step |`);
  say(`|---:|---|${owners.map(() => '---:').join('|')}|---:|`);
  for (const row of sweepRows)
    say(
      `| ${row.workers} | ${row.inFlight} | ${owners.map((owner) => fixed(row.statementsByOwner[owner] ?? 0, 2)).join(' | ')} | ${fixed(idleStatementsPerSecond / row.stepsPerSecond, 2)} |`,
    );
  say();
}
const scenarioRows = rows.filter((row) => row.scenario !== undefined);
if (scenarioRows.length > 0) {
  say('### Scenario: the fleet rate limiter and steering, off and on');
  say();
  say(
    `One worker, ${scenarioRows[0]?.active} active runs (as above, nothing paused). Limiter on: \`modelRateLimits\` with a limit the runs never reach, so only its cost shows (a slot taken and freed in Postgres per request). Steering on: each run is steered once (\`runs.steer\`) right after it starts. Statements per step by owner, the idle background included.`,
  );
  say();
  const owners = [
    ...new Set(scenarioRows.flatMap((row) => Object.keys(row.statementsByOwner))),
  ].sort();
  say(
    `| scenario | steps/s | statements/step | ${owners.join(' | ')} | added p50 ms | added p99 ms | load |`,
  );
  say(`|---|---:|---:|${owners.map(() => '---:').join('|')}|---:|---:|---:|`);
  for (const row of scenarioRows)
    say(
      `| ${row.scenario} | ${fixed(row.stepsPerSecond)} | ${fixed(row.statementsPerStep)} | ${owners.map((owner) => fixed(row.statementsByOwner[owner] ?? 0, 2)).join(' | ')} | ${fixed(row.addedP50)} | ${fixed(row.addedP99)} | ${fixed(row.load)} |`,
    );
  say();
}
// Where the curve bends: the first row whose steps/s per active run falls below 80% of the first's.
const perActive = sweepRows.map((row) => row.stepsPerSecond / row.active);
const bend = sweepRows.findIndex((_, n) => (perActive[n] ?? 0) < 0.8 * (perActive[0] ?? 0));
say(
  bend < 0
    ? 'The curve does not bend in this sweep: steps/s per active run stays within 20% of the smallest setting.'
    : `The curve bends at ${sweepRows[bend]?.workers} workers × ${sweepRows[bend]?.inFlight} in flight: steps/s per active run falls to ${fixed(((perActive[bend] ?? 0) / (perActive[0] ?? 1)) * 100, 0)}% of the smallest setting.`,
);
const busiest = sweepRows.reduce<Row | undefined>(
  (most, row) => (most === undefined || row.machineBusy > most.machineBusy ? row : most),
  undefined,
);
say(
  busiest === undefined
    ? ''
    : `At ${busiest.workers} workers × ${busiest.inFlight} the machine was ${fixed(busiest.machineBusy * 100, 0)}% busy (every process, other jobs included); of it, the workers used ${fixed(busiest.workerCores, 2)} cores and Postgres ${fixed(busiest.postgresCores, 2)}: ${busiest.workerCores > busiest.postgresCores ? "the workers' CPU (the agent loop, the pg driver, DBOS) is what saturates first here, before Postgres" : "Postgres's CPU is what saturates first here"}. Statements/step include the idle background (queue polls) spread over the window's steps.`,
);
say();
json['sweep'] = rows;

process.stdout.write(`${output.join('\n')}\n`);
if (jsonArgument !== undefined)
  writeFileSync(jsonArgument.slice(7), `${JSON.stringify(json, null, 2)}\n`);
await fake.close();
await postgres.stop();
