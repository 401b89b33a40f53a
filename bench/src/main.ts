/**
 * `pnpm bench` / `npm run bench [-- --quick]`: what one agent step costs with gemloop, a
 * hand-written fetch loop, @google/genai and the Vercel AI SDK, measured on this machine.
 *
 * Options:
 *   --quick                 every scenario briefly; prints the tables, does not write RESULTS.md
 *   --only=<id,...>         scenarios: sequential, first-runs, parallel-calls, in-flight-16,
 *                           in-flight-256, overhead, long-stream, parse, chat, leak, import
 *   --contenders=<name,...> loop contenders to run (floors are always kept)
 *   --json=<path>           also write the raw results as JSON
 *   --no-build              do not rebuild @gemloop/core's dist first
 *   --cpu-prof=<dir>        write a V8 CPU profile of every contender process into <dir>
 *                           (summarise one with src/summarize-cpu-profile.ts)
 *   --no-fleet              skip the durable fleet bench (src/durable/fleet-bench.ts), which a
 *                           whole run (not --quick, not --only) appends, ~2 min
 *   --repeat=<n>            run the scenarios n times, each with fresh contender processes, and add
 *                           the ratio targets of every run and their median (issue 53 holds
 *                           × node:http to the median of three full runs: --repeat=3)
 *   --fleet-full            run the fleet bench's big sweep (1, 2, 4 workers x 10/100/1,000 runs
 *                           in flight, and 1 worker x 50 active + 1,000 paused); for one setting
 *                           run the fleet bench alone: durable:fleet -- --sweep=1x50/1000/0
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type BenchSettings, FULL_SETTINGS, QUICK_SETTINGS } from './bench-settings.ts';
import { buildWorkers } from './build-workers.ts';
import { CONTENDERS, PARSERS } from './contenders/registry.ts';
import { readMachineInfo } from './report/machine-info.ts';
import { type BenchReport, renderReport } from './report/render-report.ts';
import { renderRepeatSummary, summarizeRepeats } from './report/repeat-summary.ts';
import { isFailed, type ScenarioResult } from './report/results.ts';
import { checkTargets } from './report/targets.ts';
import { runChatScenario } from './scenarios/chat-scenario.ts';
import { runImportScenario } from './scenarios/import-scenario.ts';
import { runLeakScenario } from './scenarios/leak-scenario.ts';
import { runLoopScenario } from './scenarios/loop-scenario.ts';
import { runOverheadScenario } from './scenarios/overhead-scenario.ts';
import { runParseScenario } from './scenarios/parse-scenario.ts';
import type { ScenarioContext } from './scenarios/scenario-context.ts';
import { WorkerPool } from './worker/measured-worker.ts';
import { startServerProcess } from './worker/server-handle.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS_PATH = fileURLToPath(new URL('../RESULTS.md', import.meta.url));

/** Scenario ids, in the order they run. */
export const SCENARIO_IDS = [
  'sequential',
  'first-runs',
  'parallel-calls',
  'in-flight-16',
  'in-flight-256',
  'overhead',
  'long-stream',
  'parse',
  'chat',
  'leak',
  'import',
] as const;

type Arguments = {
  quick: boolean;
  only: Set<string>;
  contenders: Set<string> | undefined;
  json: string | undefined;
  build: boolean;
  cpuProfileDirectory: string | undefined;
  fleet: 'no' | 'default' | 'full';
  repeat: number;
};

function parseArguments(argv: readonly string[]): Arguments {
  const options: Arguments = {
    // `npm run bench --quick` (without `--`) reaches us only as npm_config_quick.
    quick: process.env['npm_config_quick'] === 'true',
    only: new Set(SCENARIO_IDS),
    contenders: undefined,
    json: undefined,
    build: true,
    cpuProfileDirectory: undefined,
    fleet: 'default',
    repeat: 1,
  };
  for (const argument of argv) {
    const [flag, value] = argument.split('=', 2) as [string, string | undefined];
    if (flag === '--quick') options.quick = true;
    else if (flag === '--no-build') options.build = false;
    else if (flag === '--no-fleet') options.fleet = 'no';
    else if (flag === '--fleet-full') options.fleet = 'full';
    else if (flag === '--json' && value) options.json = value;
    else if (flag === '--cpu-prof' && value) options.cpuProfileDirectory = value;
    else if (flag === '--repeat' && value) {
      const count = Number(value);
      if (!Number.isInteger(count) || count < 1)
        throw new Error(`--repeat takes a whole number ≥ 1, got "${value}"`);
      options.repeat = count;
    } else if (flag === '--only' && value) {
      const ids = value.split(',');
      const unknown = ids.filter((id) => !(SCENARIO_IDS as readonly string[]).includes(id));
      if (unknown.length > 0)
        throw new Error(
          `unknown scenario ${unknown.join(', ')}; known: ${SCENARIO_IDS.join(', ')}`,
        );
      options.only = new Set(ids);
    } else if (flag === '--contenders' && value) {
      const names = value.split(',');
      const unknown = names.filter((name) => !CONTENDERS.some((entry) => entry.name === name));
      if (unknown.length > 0) {
        throw new Error(
          `unknown contender ${unknown.join(', ')}; known: ${CONTENDERS.map((entry) => entry.name).join(', ')}`,
        );
      }
      options.contenders = new Set([
        ...names,
        'floor',
        'floor.stream',
        'floor.http',
        'floor.http.stream',
        'floor.undici',
        'floor.undici.stream',
      ]);
    } else throw new Error(`unknown option ${argument}`);
  }
  return options;
}

/** The durable fleet bench, in its own process (it starts Postgres and worker processes). */
function runFleetBench(full: boolean): string {
  return execFileSync(
    `${REPO_ROOT}bench/node_modules/.bin/tsx`,
    [`${REPO_ROOT}bench/src/durable/fleet-bench.ts`, ...(full ? ['--full'] : [])],
    {
      cwd: `${REPO_ROOT}bench`,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * 1024 * 1024,
    },
  );
}

function buildCore(): void {
  // The bench measures what users install: @gemloop/core's compiled dist, not its sources.
  try {
    execFileSync(`${REPO_ROOT}node_modules/.bin/tsc`, ['-b', 'packages/core'], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
    });
    // tsc writes core's declarations only; its JavaScript is the bundle's (scripts/bundle-core.mjs).
    execFileSync(process.execPath, ['scripts/bundle-core.mjs', '--if-stale'], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
    });
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
    throw new Error(
      `building @gemloop/core failed (run with --no-build to measure the dist as it is):\n${output}`,
    );
  }
}

/** Why core's `dist` is not its current sources' bundle, or undefined (scripts/bundle-core.mjs). */
async function coreBundleStaleness(): Promise<string | undefined> {
  const bundler = (await import(`${REPO_ROOT}scripts/bundle-core.mjs`)) as {
    findCoreBundleStaleness: () => Promise<string | undefined>;
  };
  return bundler.findCoreBundleStaleness();
}

async function runScenarios(
  context: ScenarioContext,
  only: ReadonlySet<string>,
): Promise<ScenarioResult[]> {
  const { settings } = context;
  const results: ScenarioResult[] = [];
  const loop = settings.loop;
  if (only.has('sequential')) {
    results.push(
      await runLoopScenario(context, {
        id: 'sequential',
        title: 'Sequential tool loop: 5 rounds of 1 call, then the answer',
        what: 'Each run: 5 model turns with one signed function call (add or multiply), each answered, then the final text.',
        script: 'seq5',
        concurrency: 1,
        ...loop,
        paired: settings.paired,
      }),
    );
  }
  if (only.has('first-runs')) {
    results.push(
      await runLoopScenario(context, {
        id: 'first-runs',
        title: `The first ${settings.firstRuns.samples * settings.firstRuns.runsPerSample} runs of a process (sequential script)`,
        what: `The sequential script in fresh processes, measured from their second run: what a short-lived process pays while V8 has not yet optimised the code it runs (the other loop scenarios measure after ${loop.warmupRuns.toLocaleString('en-US')} warm-up runs). Reported, not a target.`,
        script: 'seq5',
        concurrency: 1,
        ...settings.firstRuns,
      }),
    );
  }
  if (only.has('parallel-calls')) {
    results.push(
      await runLoopScenario(context, {
        id: 'parallel-calls',
        title: 'Parallel calls: 5 rounds of 3 calls, then the answer',
        what: 'Each run: 5 model turns of 3 function calls (only the first signed, as Gemini 3 does), all answered in one user turn, then the final text.',
        script: 'par3',
        concurrency: 1,
        ...loop,
      }),
    );
  }
  for (const inFlight of settings.inFlight) {
    const id = `in-flight-${inFlight.concurrency}`;
    if (!only.has(id)) continue;
    results.push(
      await runLoopScenario(context, {
        id,
        title: `${inFlight.concurrency} runs in flight (${inFlight.script === 'seq5' ? 'sequential script' : 'one tool round'})`,
        what: `${inFlight.script === 'seq5' ? 'The sequential script' : 'One tool round and the answer per run'}, with ${inFlight.concurrency} runs in flight at once on one client; per-step time is wall time over all steps (inverse throughput).`,
        ...inFlight,
      }),
    );
  }
  if (only.has('overhead')) results.push(await runOverheadScenario(context));
  if (only.has('long-stream')) {
    const { chunks, samples, warmupRuns } = settings.longStream;
    results.push(
      await runLoopScenario(context, {
        id: 'long-stream',
        title: `Long streamed answer over HTTP: ${chunks.toLocaleString('en-US')} chunks`,
        what: 'One streamed text answer per run through each streaming loop, end to end over loopback HTTP (the server writes 16 KB pieces); one step per run.',
        script: 'long',
        longChunks: chunks,
        concurrency: 1,
        runsPerSample: 1,
        samples,
        warmupRuns,
        streamingOnly: true,
      }),
    );
  }
  if (only.has('parse')) results.push(await runParseScenario(context));
  if (only.has('chat')) results.push(await runChatScenario(context));
  if (only.has('leak')) results.push(await runLeakScenario(context));
  if (only.has('import')) results.push(await runImportScenario(context));
  return results;
}

async function main(): Promise<number> {
  const options = parseArguments(process.argv.slice(2));
  const settings: BenchSettings = options.quick ? QUICK_SETTINGS : FULL_SETTINGS;
  const started = Date.now();
  const log = (line: string): void => {
    process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
  };
  // Read first: the load average before the build and the bench add their own.
  const machine = readMachineInfo();
  if (options.build) {
    log('building @gemloop/core (tsc -b packages/core, then its bundle)');
    buildCore();
  } else {
    // `--no-build` measures the dist as it is (a swapped-in build too), but never silently old code.
    const stale = await coreBundleStaleness();
    if (stale !== undefined)
      log(`WARNING: @gemloop/core's dist is not its sources' bundle (${stale})`);
  }
  const { workerEntry, serverEntry } = await buildWorkers();
  const server = await startServerProcess(serverEntry);
  const runs: ScenarioResult[][] = [];
  try {
    for (let run = 1; run <= options.repeat; run++) {
      if (options.repeat > 1) log(`run ${run} of ${options.repeat}`);
      // A pool per run: every run measures fresh contender processes, as separate runs would.
      const workers = new WorkerPool(
        { entry: workerEntry, cpuProfileDirectory: options.cpuProfileDirectory },
        { reuse: settings.quick },
      );
      try {
        runs.push(
          await runScenarios(
            {
              settings,
              workers,
              server,
              contenders: CONTENDERS.filter((entry) => options.contenders?.has(entry.name) ?? true),
              parsers: PARSERS,
              log,
            },
            options.only,
          ),
        );
      } finally {
        await workers.close();
      }
    }
  } finally {
    await server.close();
  }
  const results = runs.at(-1)!;
  machine.loadAtEnd = loadavg();
  const report: BenchReport = {
    startedAt: new Date(started).toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    settings,
    machine,
    results,
    targets: checkTargets(results),
  };
  // RESULTS.md is the page of a whole run: every scenario, every contender.
  const whole = options.only.size === SCENARIO_IDS.length && options.contenders === undefined;
  let markdown = renderReport(report);
  if (options.repeat > 1) {
    markdown += `\n${renderRepeatSummary(summarizeRepeats(runs), options.repeat)}`;
  }
  if (whole && !settings.quick && options.fleet !== 'no') {
    log('durable fleet bench (src/durable/fleet-bench.ts)');
    markdown += `\n${runFleetBench(options.fleet === 'full')}`;
  }
  process.stdout.write(markdown);
  if (options.json !== undefined) {
    const json =
      options.repeat > 1
        ? { ...report, repeats: { runs, targets: summarizeRepeats(runs) } }
        : report;
    writeFileSync(options.json, `${JSON.stringify(json, null, 2)}\n`);
  }
  const failed = runs.some((run) =>
    run.some((result) => (result.rows as readonly { status: string }[]).some(isFailed)),
  );
  if (failed) {
    log(
      'FAILED: at least one contender did not complete its runs correctly (see "Failed or skipped").',
    );
    return 1;
  }
  if (!settings.quick && whole) {
    writeFileSync(RESULTS_PATH, markdown);
    log(`wrote ${RESULTS_PATH}`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
