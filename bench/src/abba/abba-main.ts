/**
 * `pnpm --filter @gemloop/bench run abba [-- --base=d5ff9c8]`: issue 53's check of the default
 * agent's client CPU a step against a base commit, both builds side by side, in separate
 * processes, in ABBA blocks, with an A/A control (the current build against itself).
 *
 * Options (defaults: issue 53's design):
 *   --base=<commit>          the build A is made of (d5ff9c8); built once per commit into the cache
 *   --modes=run,stream       `agent.run` and/or `agent.stream`
 *   --transports=node,fetch  the default Node transport (undici's request API) and/or 'fetch'
 *   --pairs=3                process pairs per mode × transport, and as many A/A pairs
 *   --blocks=20              ABBA blocks per pair
 *   --runs=20                runs of `seq5` (6 model calls each) per leg of a block
 *   --warmup=3000            untimed runs per process first (the bench's loop scenarios' warm-up)
 *   --cache-dir=<dir>        where base builds are kept (<tmpdir>/gemloop-abba)
 *   --no-build               measure packages/core/dist as it is (no `tsc -b packages/core`)
 *   --json=<path>            also write the figures as JSON
 *
 * A whole run at the defaults took about 10 minutes on a 2-core machine at load 7-17 (the `fetch`
 * rows three quarters of it); with fewer pairs or blocks than 3 × 20 it prints the figures with no
 * verdict. It exits 1 when a verdict is over or a run failed.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { readMachineInfo } from '../report/machine-info.ts';
import { stepsPerRun } from '../script/run-script.ts';
import { startServerProcess } from '../worker/server-handle.ts';
import { parseAbbaArguments } from './abba-options.ts';
import { type AbbaBlock, judgeAbba, summarizeComparison } from './abba-stats.ts';
import { measureAbbaPair } from './measure-abba-pair.ts';
import { prepareBaseBuild } from './prepare-base-build.ts';
import {
  type AbbaReport,
  type AbbaRow,
  renderAbbaReport,
  verdictText,
} from './render-abba-report.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCE = fileURLToPath(new URL('../', import.meta.url));
// Inside bench/node_modules, so that bare imports of the output (zod) resolve from bench's own
// dependencies, and git ignores it.
const OUT_DIR = fileURLToPath(new URL('../../node_modules/.cache/gemloop-abba/', import.meta.url));
/** The bench's step limit; `seq5` ends before it. */
const MAX_STEPS = 10;

async function main(): Promise<void> {
  const options = parseAbbaArguments(process.argv.slice(2));
  const started = Date.now();
  const log = (line: string): void => {
    process.stderr.write(`[abba ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
  };
  // Read first: the load before the builds add theirs.
  const machine = readMachineInfo();
  const base = prepareBaseBuild({
    repoRoot: REPO_ROOT,
    commit: options.base,
    cacheDirectory: options.cacheDirectory,
    log,
  });
  log(
    `base ${base.commit.slice(0, 9)}: ${base.cached ? 'cached' : 'built'} at ${base.coreDirectory}`,
  );
  if (options.build) {
    log('building the current @gemloop/core (tsc -b packages/core)');
    execFileSync(`${REPO_ROOT}node_modules/.bin/tsc`, ['-b', 'packages/core'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
  }
  const current = `${REPO_ROOT}packages/core`;
  // Plain ES modules on bare node, as the bench's workers: tsx's loader would add its own CPU.
  await build({
    entryPoints: {
      'abba-client': `${SOURCE}abba/abba-client.ts`,
      server: `${SOURCE}server/server-process.ts`,
    },
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  const clientEntry = `${OUT_DIR}abba-client.mjs`;
  const server = await startServerProcess(`${OUT_DIR}server.mjs`);
  const rows: AbbaRow[] = [];
  try {
    for (const mode of options.modes) {
      for (const transport of options.transports) {
        const comparison: AbbaBlock[][] = [];
        const control: AbbaBlock[][] = [];
        for (let pair = 0; pair < options.pairs; pair++) {
          // A/B and A/A pairs alternate, and so does which process starts first, so that
          // neither the machine's drift nor the start order leans one way.
          const measure = (kind: 'ab' | 'aa') =>
            measureAbbaPair({
              clientEntry,
              server,
              coreA: kind === 'ab' ? base.coreDirectory : current,
              coreB: current,
              mode,
              transport,
              blocks: options.blocks,
              runsPerLeg: options.runsPerLeg,
              warmupRuns: options.warmupRuns,
              maxSteps: MAX_STEPS,
              startBFirst: pair % 2 === 1,
              label: `${kind}-${mode}-${transport}-${pair + 1}`,
            });
          const kinds: ('ab' | 'aa')[] = pair % 2 === 0 ? ['ab', 'aa'] : ['aa', 'ab'];
          for (const kind of kinds) {
            log(`${mode} ${transport}: ${kind === 'ab' ? 'A/B' : 'A/A'} pair ${pair + 1}`);
            (kind === 'ab' ? comparison : control).push(await measure(kind));
          }
        }
        const summary = summarizeComparison(comparison);
        const aa = summarizeComparison(control);
        const row: AbbaRow = {
          mode,
          transport,
          comparison: summary,
          control: aa,
          verdict: judgeAbba({ comparison: summary, control: aa }),
        };
        rows.push(row);
        log(`${mode} ${transport}: B − A ${summary.difference.toFixed(1)} µs, ${verdictText(row)}`);
      }
    }
  } finally {
    await server.close();
  }
  machine.loadAtEnd = loadavg();
  const report: AbbaReport = {
    startedAt: new Date(started).toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    machine,
    base: { commit: base.commit, linkedNodeModules: base.linkedNodeModules },
    current: machine.commit,
    design: {
      pairs: options.pairs,
      blocks: options.blocks,
      runsPerLeg: options.runsPerLeg,
      warmupRuns: options.warmupRuns,
      steps: stepsPerRun('seq5'),
    },
    rows,
  };
  process.stdout.write(renderAbbaReport(report));
  if (options.json !== undefined)
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
  if (rows.some((row) => row.verdict.result === 'over')) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[abba] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
