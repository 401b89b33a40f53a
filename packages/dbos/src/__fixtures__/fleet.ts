// Helpers of the fleet tests: worker processes, the counter file, the fake's script.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { compiledScript } from '../../../../scripts/compiled-script.ts';
import {
  createHangWatch,
  describeLoad,
  GUARD_DEFAULTS,
  type GuardOptions,
  seconds,
} from '../../../../scripts/hang-watch.ts';
import { inject } from 'vitest';
import pg from 'pg';
import { createDatabase } from '../testing/index.ts';
import { suitePostgres } from './worker-database.ts';

export { workerDatabase } from './worker-database.ts';

/** A fresh database on the suite's Postgres (started by the global setup): a test of migrating an empty one. */
export async function freshDatabase(prefix: string): Promise<string> {
  return createDatabase(suitePostgres(), prefix);
}

const workerScript = new URL('./worker.ts', import.meta.url).pathname;
/**
 * Preloaded into each worker with a pipe on fd 3 whose other end this test process holds: the
 * worker dies with it, however it ends (a SIGKILLed Vitest worker runs no 'exit' listener).
 */
const lifeline = new URL('../../../../scripts/lifeline.cjs', import.meta.url).pathname;
// The package directory, where `tsx` resolves.
const packageDirectory = new URL('../..', import.meta.url).pathname;

/**
 * The node arguments that run a fixture script: when the build is fresh (see `compiledScript`: a
 * worker loads DBOS, pg and core, each module through tsx's hooks otherwise), the bundle of its
 * emitted JavaScript that the run's global setup made (scripts/fixture-bundle-setup.ts; the
 * worker, started ~70 times a run), else that JavaScript itself, on plain node; the TypeScript
 * through tsx when the build is stale. A bundle is one module instead of ~1,100: measured on the
 * worker (a probe, six ABAB rounds at load 17-20), 1.05-1.21 s of CPU to its `ready` unbundled,
 * 0.62-0.72 s bundled (bench/RESULTS.md, issue 53, helper test-speed-dbos).
 */
export function fixtureCommand(script: string): string[] {
  const compiled = compiledScript(
    // rootDir is the repository (the tests reach ../evals/src and scripts/).
    join(
      packageDirectory,
      'node_modules/.cache/test-js',
      relative(join(packageDirectory, '../..'), script).replace(/\.ts$/, '.js'),
    ),
    {
      sources: join(packageDirectory, 'src'),
      marker: join(packageDirectory, 'node_modules/.cache/tsbuildinfo-test'),
      tests: true,
    },
  );
  if (compiled === undefined) return ['--conditions=@gemloop/source', '--import', 'tsx', script];
  return [inject('fixtureBundles')?.[script] ?? compiled];
}

export type WorkerProcess = {
  child: ChildProcess;
  executorId: string;
  output: () => string;
  exited: Promise<number | null>;
  /** The database the worker runs on (its env's `DATABASE_URL`), for {@link crashWorker}. */
  databaseUrl: string | undefined;
  /** The `application_name` of the worker's own Postgres sessions (DBOS's name theirs by executor). */
  sessionName: string;
};

let workerStarts = 0;

/**
 * V8's flags for a worker: WebAssembly compiled by Liftoff only, as the examples' processes run
 * (examples/test/run-example-process.ts, COMPILED_FLAGS, which says why): a worker's HTTP client
 * (undici, to the fake Gemini) parses with llhttp compiled to WebAssembly, whose busy functions V8
 * otherwise compiles again with TurboFan on a background thread, in every worker start. It changes
 * no result, only how fast a few short responses are parsed. The same flags on every start of a
 * bundle: V8 keys the bundle's code cache (scripts/code-cache-loader.cjs) by them. Measured on
 * crash-recovery and cancel-takeover (nine workers, A B B A at load 8-14): the workers 5.94, 5.83
 * -> 4.84, 4.53 s of CPU, -0.13 s a start (bench/RESULTS.md, helper test-speed18b).
 */
const WORKER_V8_FLAGS = ['--liftoff-only'];

/**
 * The worker processes still running, killed when this test process exits: a file whose setup
 * failed halfway (one of several workers refused by Postgres) never reached the afterAll that
 * stops them, and they outlived the run (found still polling Postgres after Vitest exited).
 */
const liveWorkers = new Set<ChildProcess>();
process.once('exit', () => {
  for (const worker of liveWorkers) worker.kill('SIGKILL');
});

/**
 * Starts a worker process (worker.ts, or `script`) and waits until it says it is ready (DBOS
 * launched). `node`: the binary it runs on (another Node version's: scripts/node-binary.ts).
 * `guard`: the hang guard of the start, the one `runGuarded` applies (scripts/hang-watch.ts):
 * a worker whose process used almost no CPU for a minute is hung, one that works is waited for
 * however slowly it goes. A wall clock of 180 s declared a worker starting at load 60 hung.
 */
export async function startWorker(
  env: Record<string, string>,
  script: string = workerScript,
  { node = process.execPath, guard = {} }: { node?: string; guard?: Partial<GuardOptions> } = {},
): Promise<WorkerProcess> {
  // node-postgres names a session after PGAPPNAME unless told otherwise: crashWorker finds the
  // worker's own sessions by it.
  const sessionName = `gemloop-fixture-${process.pid}-${workerStarts++}`;
  const child = spawn(
    node,
    ['--require', lifeline, '--expose-gc', ...WORKER_V8_FLAGS, ...fixtureCommand(script)],
    {
      cwd: packageDirectory,
      env: { ...process.env, ...env, GEMLOOP_LIFELINE_FD: '3', PGAPPNAME: sessionName },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    },
  );
  liveWorkers.add(child);
  child.once('exit', () => liveWorkers.delete(child));
  let output = '';
  const started = Date.now();
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // The worker's output to its end: 'close' comes once its stdout and stderr are read to their
  // end, 'exit' may come before. A failed start's message says what it printed, read from here:
  // at load 23 a guard's verdict came before this process had read the `starting` already in
  // the pipe, and the message had lost it (bench/RESULTS.md, issue 53, helper flake55).
  const printed = new Promise<string>((resolve) => child.once('close', () => resolve(output)));
  const limits: GuardOptions = { ...GUARD_DEFAULTS, ...guard };
  const watch = createHangWatch(child.pid, limits, started);
  child.stderr?.on('data', () => watch.output());
  const executorId = await new Promise<string>((resolve, reject) => {
    // Set when the guard kills the start: the failure is then the guard's verdict, not an exit.
    let killedFor: string | undefined;
    const timer = setInterval(() => {
      const verdict = watch.sample();
      if (verdict === undefined) return;
      clearInterval(timer);
      child.kill('SIGKILL');
      const cpuMs = watch.cpuMs();
      const cpu = cpuMs === undefined ? 'CPU unknown' : `${seconds(cpuMs)} of CPU`;
      killedFor = `worker did not start, killed by its hang guard, ${verdict.reason}; ${cpu} in ${seconds(Date.now() - started)} of wall time, ${describeLoad()}`;
    }, limits.sampleMs);
    const onData = (): void => {
      watch.output();
      const match = /ready (\S+)/.exec(output);
      if (match?.[1] !== undefined) {
        // Once: later chunks (a heap print, log lines) are not a start (the timing line was
        // printed again for each, and counted as one more start).
        child.stdout?.off('data', onData);
        clearInterval(timer);
        if (process.env['GEMLOOP_TEST_TIMING'] === '1') console.log(`worker ready in ${Date.now() - started} ms`);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    void exited.then(() => clearInterval(timer));
    // After a start that was ready this rejects nothing (the promise is settled).
    void printed.then((all) =>
      reject(new Error(`${killedFor ?? 'worker exited before it was ready'}:\n${all}`)),
    );
  });
  return { child, executorId, output: () => output, exited, databaseUrl: env['DATABASE_URL'], sessionName };
}

/**
 * The worker's heap objects in use after a full garbage collection, compiled code and bytecode
 * left out (it prints them on SIGUSR2; worker.ts says why).
 */
export async function workerHeap(worker: WorkerProcess): Promise<number> {
  const before = worker.output().length;
  worker.child.kill('SIGUSR2');
  let match: RegExpExecArray | null = null;
  await waitFor(() => {
    match = /heap (\d+)\n/.exec(worker.output().slice(before));
    return match !== null;
  }, 'the worker to print its heap');
  return Number((match as RegExpExecArray | null)?.[1]);
}

/** Stops a worker: SIGKILL (a crash) or SIGTERM (a graceful shutdown). */
export async function stopWorker(worker: WorkerProcess, signal: 'SIGKILL' | 'SIGTERM' = 'SIGTERM'): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill(signal);
  await worker.exited;
}

/**
 * A crash the fleet is told of at once: SIGKILLs the worker, waits until Postgres has ended every
 * session it had (a statement it sent before it died has run or been rolled back by then), then
 * marks it gone as a worker that leaves for good marks itself (`seen_at = 'epoch'`,
 * worker-liveness.ts), so a live worker's next beat (300 ms in the fixture) takes its runs over
 * instead of after `deadAfterMs` of silence (3 s where a file tests it), or two heartbeats after
 * its session ended (a raw SIGKILL's way, worker-liveness.ts). The takeover is the same code path;
 * only the wait is skipped, in the files whose subject is what survives a SIGKILL. A raw kill
 * stays tested (crash-recovery's kill, durable-a2a-tasks), and real silence too
 * (cancel-takeover's frozen worker, postgres-outage, worker-liveness).
 * `beforeTakeover` runs what such a test did right after the kill, in the silence. Measured (a
 * probe, four kills each, interleaved, load 25-29): the kill to the takeover 3.0-4.5 s with the
 * silence, 1.1-1.8 s with this (bench/RESULTS.md, issue 53, helper test-speed-dbos6).
 */
export async function crashWorker(
  worker: WorkerProcess,
  /** Done after the kill and before the fleet is told (what a test changes while nobody runs the run). */
  beforeTakeover?: () => void,
): Promise<void> {
  const { databaseUrl } = worker;
  if (databaseUrl === undefined) throw new Error('crashWorker: the worker was started without a DATABASE_URL');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const sessions = () => workerSessions(client, worker);
    // A live worker holds sessions (its beats, DBOS's pool): none found means the names no longer
    // match, and the wait below would wait for nothing.
    if ((await sessions()) === 0) throw new Error(`crashWorker: no Postgres session of ${worker.executorId} found by name`);
    await stopWorker(worker, 'SIGKILL');
    await waitFor(
      async () => (await sessions()) === 0,
      `Postgres to end the sessions of the killed worker ${worker.executorId}`,
      120_000,
      20,
    );
    beforeTakeover?.();
    await client.query(`UPDATE gemloop.workers SET seen_at = 'epoch' WHERE executor_id = $1`, [worker.executorId]);
  } finally {
    await client.end();
  }
}

/** A counter file that worker processes append tool executions to. */
export function createCounter(): { file: string; lines: () => string[]; count: (prefix: string) => number } {
  const file = join(mkdtempSync(join(tmpdir(), 'gemloop-counter-')), 'calls.log');
  writeFileSync(file, '');
  const lines = (): string[] => readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
  return { file, lines, count: (prefix) => lines().filter((line) => line.startsWith(prefix)).length };
}

/**
 * How many sessions `worker` holds on the database `client` is connected to (the worker's own):
 * its node-postgres sessions (named after PGAPPNAME) and DBOS's pool (named after the executor).
 * Counted in that database only: two files' fleets may give their workers the same executor id
 * (both once named theirs `fallback-worker-1`), and a count over the whole server waited for the
 * other file's live worker until both timed out (a whole-suite run, 2026-11-30).
 */
export async function workerSessions(
  client: pg.Client,
  worker: Pick<WorkerProcess, 'sessionName' | 'executorId'>,
): Promise<number> {
  const { rows } = await client.query<{ open: number }>(
    `SELECT count(*)::int AS open FROM pg_stat_activity
     WHERE datname = current_database()
       AND (application_name = $1 OR starts_with(application_name, $2))`,
    [worker.sessionName, `dbos_transact_${worker.executorId}_`],
  );
  return rows[0]?.open ?? 0;
}

/**
 * Waits until `check` holds, polling every `intervalMs` (a check that reads Postgres costs the
 * test process and the server CPU at each poll: a long wait may poll less often).
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 120_000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
