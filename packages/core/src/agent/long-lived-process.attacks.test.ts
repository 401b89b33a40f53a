import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, version } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { GuardedProcessError, runGuarded } from '../../../../scripts/run-guarded.ts';
import { keptBuild, sourcesKey } from '../__fixtures__/kept-build.ts';
import type { LongLivedReport } from './__fixtures__/long-lived-process.ts';

// A server or a fleet lives for days in one process: what its runs leave behind must not pile up.
// Each scenario runs in a child process of its own (`node --expose-gc`, so a full GC is there and
// the counts are the process's alone, not this worker's), against the fake Gemini on 127.0.0.1,
// over both transports, and prints its counts as one JSON line. Counts, never times: listeners on
// the server's signal, sockets, timers, collected objects, and heap bytes a run over a window
// after a first block of runs (bench/RESULTS.md, attack68a). leak40's fleet-retention and
// chat-retention pin the heap over 1,500 runs on the default transport in a worker; these add the
// fetch transport, streams left or never read, per-run plugin state, and the process's own end.

const fixture = fileURLToPath(new URL('./__fixtures__/long-lived-process.ts', import.meta.url));
const LOCKFILE = fileURLToPath(new URL('../../../../pnpm-lock.yaml', import.meta.url));
const TESTING = fileURLToPath(new URL('../../../testing/src/index.ts', import.meta.url));

/**
 * Bundled from source (Node 20 runs no TypeScript). undici stays outside: the `node` transport
 * loads it with `require`, which an ESM bundle cannot do; the kept build lives under core's
 * `node_modules/.cache`, where it resolves.
 */
const BUNDLE: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  conditions: ['@gemloop/source'],
  external: ['undici'],
  // core does not depend on @gemloop/testing (it depends on core): vitest's alias, here too.
  alias: { '@gemloop/testing': TESTING },
  logLevel: 'silent',
};

/**
 * Bytes a run may leave alive, as the slope of the live heap read every 50 runs from run 350 on
 * (the fixture's `medianSlope`): generous. Measured -100 to 480 B a run (the fleet mix, quiet
 * machine); a stream or a run's result kept per run is several KB (fleet-retention's kept
 * result: 2,504 B). Two readings alone (350 and the end) swung from 172 to 2,368 B a run, and
 * failed a CI run at load 13.
 */
const MAX_BYTES_PER_RUN = 2_048;

/**
 * A keep-alive pool's sockets while runs go one after another: the client's and the fake's end
 * of one connection, or two. A socket per run would be hundreds by the first count.
 */
const MAX_SOCKETS = 4;

let program: string;

beforeAll(async () => {
  const key = await sourcesKey(
    [fileURLToPath(new URL('..', import.meta.url)), join(TESTING, '..')],
    [version, JSON.stringify(BUNDLE), await readFile(LOCKFILE, 'utf8')],
  );
  const built = await keptBuild('long-lived-process', key, async (folder) => {
    await build({
      ...BUNDLE,
      entryPoints: [fixture],
      outfile: join(folder, 'long-lived-process.mjs'),
    });
  });
  program = join(built, 'long-lived-process.mjs');
}, 120_000);

/** The child's JSON line: each scenario sets the fields it measures. */
type Report = LongLivedReport;

/**
 * Runs a scenario to its end. `idleMs` is the hang guard: a child that sits without CPU that long
 * is killed, and the test fails naming it (a timer or socket keeping the loop alive does that).
 */
async function runScenario(scenario: string, transport: string, idleMs = 60_000): Promise<Report> {
  try {
    const { stdout } = await runGuarded(
      process.execPath,
      ['--expose-gc', program, scenario, transport],
      { cwd: join(program, '..'), idleMs },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Report;
  } catch (error) {
    if (error instanceof GuardedProcessError)
      throw new Error(
        `${scenario} (${transport}) did not end by itself: ${error.message}\n${error.stderr}`,
      );
    throw error;
  }
}

describe.each(['node', 'fetch'])('a long-lived process, transport %s', (transport) => {
  it('leaves no listener on a shared signal after 1,050 runs: unary, streamed, tools, subagents, chats, AbortSignal.any', async () => {
    const report = await runScenario('signal', transport);

    expect(report.outcomes).toEqual({
      'run:ok': 150,
      'stream-tool:ok': 150,
      'sub:ok': 150,
      'chat:ok': 150,
      'chat-stream:ok': 150,
      'any:ok': 150,
      'throw:ok': 150,
    });
    // The runs follow the server's signal through one listener while under way, none after.
    expect(report.listenersDuring).toBeLessThanOrEqual(1);
    expect(report.listenersAfter).toBe(0);
    expect(report.warnings).toEqual([]);
    for (const sockets of report.socketsAt ?? []) expect(sockets).toBeLessThanOrEqual(MAX_SOCKETS);
    expect(report.bytesPerRun).toBeLessThan(MAX_BYTES_PER_RUN);
    // No timer (the tools' time limits, the time-out signals' runs) and no socket once the fake closed.
    expect(report.resourcesAfterClose).toEqual({});
  }, 240_000);

  it('frees streams left after their first event or never read: 1,000 streams', async () => {
    const report = await runScenario('abandoned', transport);

    expect(report.outcomes).toEqual({
      'left-at-start:AgentAbortedError': 400,
      'left-at-text:AgentAbortedError': 400,
      'untouched:dropped': 200,
    });
    // Every stream nobody read was collected once its run ended.
    expect(report.untouched).toBe(200);
    expect(report.untouchedAlive).toBe(0);
    expect(report.listenersAfter).toBe(0);
    expect(report.warnings).toEqual([]);
    for (const sockets of report.socketsAt ?? []) expect(sockets).toBeLessThanOrEqual(MAX_SOCKETS);
    expect(report.bytesPerRun).toBeLessThan(MAX_BYTES_PER_RUN);
    expect(report.resourcesAfterClose).toEqual({});
  }, 240_000);

  it("frees a plugin's per-run state after runs that throw, are aborted or are left", async () => {
    const report = await runScenario('plugin-state', transport);

    expect(report.outcomes).toEqual({
      'ok:ok': 40,
      'tool-throws:ok': 40,
      'model-fails:ModelCallError': 40,
      'aborted:AgentAbortedError': 40,
      'left:AgentAbortedError': 40,
      'stream-aborted:AgentAbortedError': 40,
      'sub:ok': 40,
    });
    // 280 runs and the 40 subagents' own: every state collected but the last run's two (its own
    // and its subagent's, which the fixture's last locals may still reach).
    expect(report.statesMade).toBe(320);
    expect(report.statesAlive).toBeLessThanOrEqual(2);
  }, 240_000);

  it('ends by itself after tool time limits, retries, a run aborted in a 30 s back-off and left streams', async () => {
    // Idle for 10 s means something holds the loop: the 30 s back-off, a tool's or an attempt's timer.
    const report = await runScenario('exits', transport, 10_000);

    expect(report.outcomes).toEqual({
      'tool-timeout:ok': 1,
      'retried-503:ok': 1,
      'aborted-in-backoff:AgentAbortedError': 1,
      'left:AgentAbortedError': 1,
      'chat-timeout:AgentAbortedError': 1,
      'sub:ok': 1,
      'any-timeout:ok': 1,
    });
    expect(report.resourcesAfterClose).toEqual({});
    expect(report.warnings).toEqual([]);
  }, 120_000);
});
