// No process an example test starts outlives it: the fleet example (an HTTP server and two
// durable worker processes) left running by a test, with a test that then times out, or with the
// test process killed midway; and the fleet killed by itself (SIGKILL), its workers then stop.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { databaseEnv } from './__fixtures__/database-env.ts';
import { EXAMPLES_ROOT, exampleCommand, offlineEnv } from './run-example-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = fileURLToPath(
  new URL('./__fixtures__/vitest.fleet-left-running.config.ts', import.meta.url),
);
/**
 * How long a wait on the processes of a loaded machine says what it waited for: the test's own
 * limit (vitest.config.ts, PROCESS_LIMITS), a hang guard, never a speed judgement. 120 s fired in
 * whole runs at load 50-90 ("still waiting for the fixture's fleet", two tests) while the child
 * Vitest was still starting the fleet and its two workers.
 */
const WAIT_MS = 300_000;
/** How long the fixture holds its fleet when told to: past the reading of its process tree. */
const GUARD_MS = 120_000;

type ProcessRow = { pid: number; ppid: number };

/** Every process on the machine that runs (a zombie, dead and not yet reaped, does not), from ps. */
function processes(): ProcessRow[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,stat='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, , stat]) => !stat?.startsWith('Z'))
    .map(([pid, ppid]) => ({ pid: Number(pid), ppid: Number(ppid) }));
}

/** A process's command line (its arguments), empty once it has ended. */
function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** Waits until `done()` holds; fails with `what` (read then: it may show output) after the guard. */
async function until(done: () => boolean, what: string | (() => string)): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!done()) {
    if (Date.now() > deadline) {
      throw new Error(`still ${typeof what === 'string' ? what : what()} after ${WAIT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What a process prints (stdout and stderr), so far. */
function printed(child: ChildProcess): () => string {
  let output = '';
  const add = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => output;
}

/** Kills what a failed assertion would leave behind. */
function killOnFinish(pids: () => number[]): void {
  onTestFinished(() => {
    for (const pid of pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone.
      }
    }
  });
}

/** Whether any of `pids` still runs. */
const anyRunning = (pids: readonly number[]): boolean =>
  processes().some((row) => pids.includes(row.pid));

/**
 * Starts the Vitest run of fleet-left-running.fixture.ts; resolves once its fleet is ready, with
 * the fleet's pid and the pids of the fleet and its workers. `holdMs`: how long its second test
 * waits before it times out (1 s when not given), the fleet running all the while.
 */
async function startFixtureRun(holdMs?: number): Promise<{
  vitest: ChildProcess;
  fleet: number;
  /** The fleet's command line (node's arguments), as the fixture started it. */
  command: string[];
  tree: number[];
  output: () => string;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-left-running-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const groupFile = join(dir, 'group');
  const treeReadFile = join(dir, 'tree-read');
  const { DATABASE_URL = '' } = await databaseEnv('left');
  const vitest = spawn(
    process.execPath,
    [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', CONFIG],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        FLEET_DATABASE_URL: DATABASE_URL,
        FLEET_GROUP_FILE: groupFile,
        FLEET_TREE_READ_FILE: treeReadFile,
        // The fleet starts from this run's bundles, as in every other example test.
        FLEET_EXAMPLE_BUNDLES: inject('exampleBundles') ?? '',
        ...(holdMs === undefined ? {} : { FLEET_HOLD_MS: String(holdMs) }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = printed(vitest);
  killOnFinish(() => (vitest.pid === undefined ? [] : [vitest.pid]));
  await until(
    // Whole: the command line's list closes the file.
    () => existsSync(groupFile) && readFileSync(groupFile, 'utf8').endsWith(']'),
    () => `waiting for the fixture's fleet:\n${output()}`,
  );
  const [pid = '', args = '[]'] = readFileSync(groupFile, 'utf8').split('\n');
  const fleet = Number(pid);
  const tree = [
    fleet,
    ...processes()
      .filter((row) => row.ppid === fleet)
      .map((row) => row.pid),
  ];
  killOnFinish(() => tree);
  // The fixture's next test (the one that times out) starts only now.
  writeFileSync(treeReadFile, '');
  return { vitest, fleet, command: JSON.parse(args) as string[], tree, output };
}

describe('the processes an example test starts', () => {
  it('are all gone when their test file ends after a test timed out', async () => {
    const { vitest, command, tree, output } = await startFixtureRun();
    // The fleet and its two workers (at least: a loader may have a child process of its own).
    expect(tree.length, output()).toBeGreaterThanOrEqual(3);
    // Started from this run's bundles, as the other example tests' processes are (a child
    // Vitest has no global setup to provide them: the fixture config passes them on).
    const bundles = inject('exampleBundles');
    if (bundles !== undefined) {
      expect(command, command.join(' ')).toContain(join(bundles, 'fleet/fleet.js'));
    }
    const [code] = await new Promise<[number | null]>((resolve) =>
      vitest.once('exit', (exitCode) => resolve([exitCode])),
    );
    expect(output()).toContain('Test timed out in 1000ms');
    expect(code, output()).toBe(1);
    await until(() => !anyRunning(tree), 'a process of the fleet running after its Vitest ended');
  });

  it('are all gone when the test process is killed midway (SIGKILL)', async () => {
    // Held until killed: the fleet must outlive the reading of the process tree below.
    const { vitest, fleet, tree, output } = await startFixtureRun(GUARD_MS);
    expect(tree.length, output()).toBeGreaterThanOrEqual(3);
    // Its workers start from the fleet's bundle too (lib/sibling-script.ts), not from the
    // emitted modules (~1,100 of them: DBOS, pg, core). Read here, where the fleet is held.
    const bundles = inject('exampleBundles');
    if (bundles !== undefined) {
      const commands = tree.slice(1).map(commandLine);
      expect(
        commands.filter((args) => args.includes(join(bundles, 'fleet/worker.js'))),
        commands.map((args) => args.join(' ')).join('\n'),
      ).toHaveLength(2);
    }
    // The Vitest worker the fleet's test ran in: the fleet's parent.
    const worker = processes().find((row) => row.pid === fleet)?.ppid;
    expect(worker, output()).toBeDefined();
    process.kill(worker as number, 'SIGKILL');
    await until(
      () => !anyRunning(tree),
      'a process of the fleet running after its test process was killed',
    );
    vitest.kill('SIGKILL');
  });

  it("the fleet's workers stop when the fleet itself is killed (SIGKILL), started without a group", async () => {
    const fleet = spawn(process.execPath, exampleCommand('fleet/fleet.ts', ['--port', '0']), {
      cwd: EXAMPLES_ROOT,
      env: offlineEnv(await databaseEnv('orphans')),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = printed(fleet);
    const children = () => processes().filter((row) => row.ppid === fleet.pid);
    let workers: number[] = [];
    killOnFinish(() => [...(fleet.pid === undefined ? [] : [fleet.pid]), ...workers]);
    await until(
      () => output().includes('Workers: worker-a, worker-b.'),
      () => `starting:\n${output()}`,
    );
    workers = children().map((row) => row.pid);
    expect(workers).toHaveLength(2);
    fleet.kill('SIGKILL');
    await until(() => !anyRunning(workers), 'a worker running after the fleet was killed');
  });
});

describe('exampleCommand', () => {
  it("starts an example from the run's bundle of its emitted JavaScript, or through tsx on a stale build", () => {
    const command = exampleCommand('quick-start/basic.ts', ['--help']);
    const bundles = inject('exampleBundles');
    // The run's global setup (scripts/example-bundles-setup.ts) bundles the examples whenever
    // the build is fresh: no bundles means a stale build, where the source runs through tsx.
    if (bundles === undefined) {
      expect(command).toEqual([
        '--conditions=@gemloop/source',
        '--import',
        'tsx',
        'quick-start/basic.ts',
        '--help',
      ]);
    } else {
      expect(command).toEqual(['--liftoff-only', join(bundles, 'quick-start/basic.js'), '--help']);
    }
  });

  it.each([
    ['skills/agent-skills.ts', 'skills/skills'],
    ['file-search/ask-a-folder.ts', 'file-search/handbook'],
  ])(
    'runs %s from its bundle too, with the folder it reads (%s) beside its emitted copy',
    (file, folder) => {
      const bundles = inject('exampleBundles');
      const command = exampleCommand(file);
      if (bundles === undefined) {
        expect(command).toEqual(['--conditions=@gemloop/source', '--import', 'tsx', file]);
        return;
      }
      expect(command).toEqual(['--liftoff-only', join(bundles, file.replace(/\.ts$/, '.js'))]);
      // Each bundled module keeps its emitted file's `import.meta.url`, so the folder is read there.
      const emitted = join(EXAMPLES_ROOT, 'node_modules/.cache/examples-js/examples', folder);
      expect(realpathSync(emitted)).toBe(realpathSync(join(EXAMPLES_ROOT, folder)));
    },
  );
});
