import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The preload that kills a node child's process group when this process is gone. */
const LIFELINE = fileURLToPath(new URL('./lifeline.cjs', import.meta.url));

/**
 * lifeline.cjs for a command that is not node: a shell in the child's group reads the lifeline
 * (fd 3) and kills the group when it ends, then `exec`s the command, which keeps its pid. The
 * watcher's stdio is /dev/null, so it never holds the child's pipes open ('close' comes when the
 * command has exited and its group is killed, as below).
 */
const WATCH_THEN_EXEC = '{ read -r _ <&3; kill -9 0; } </dev/null >/dev/null 2>&1 & exec "$@"';

/** The process groups of this process's started children still running. */
const groups = new Set<number>();
process.on('exit', () => {
  for (const group of groups) killGroup(group);
});

function killGroup(group: number): void {
  try {
    process.kill(-group, 'SIGKILL');
  } catch {
    // ESRCH: gone already.
  }
}

/** What one of a child's stdin, stdout and stderr is. */
type Stdio = 'pipe' | 'ignore' | 'inherit';

/** Options of {@link startGuarded}. */
export type StartGuardedOptions = {
  cwd?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** The child's stdin, stdout and stderr; fd 3 is its lifeline. */
  stdio?: readonly [Stdio, Stdio, Stdio] | undefined;
  /**
   * `false` for a test of what the child itself stops when it ends (a Postgres owner's exit
   * hooks): what it left in its group is not killed at its exit, which would hide a leak the test
   * is there to find. Still killed when this process exits or is gone. Default `true`.
   */
  killLeftoversAtExit?: boolean | undefined;
};

/**
 * Starts a long-lived child of a test (a server, a worker, a writer held open, a CPU burner, a
 * timer): one that its test stops, or that lives until something happens, so no run-to-end hang
 * guard (`runGuarded`, run-guarded.ts) fits it. It stops however its test ends: its group
 * (it leads one, `detached`) is killed when it exits, when this process exits, and the moment
 * this process is gone however that ended (a killed Vitest: its fork worker exits through
 * exit-with-vitest.cjs, a worker thread dies with its process), through lifeline.cjs preloaded
 * into a node command, or a shell watching the same lifeline for any other command
 * (test/killed-vitest-run.test.ts proves both). A plain `spawn` child outlived a killed run:
 * a `for (;;) {}` CPU burner ran on at 100 % of a core.
 *
 * The child is the command itself (its pid, its signals, its exit code): stopping it as before
 * (`child.kill(...)`) stops it, and what it left in its group goes when it exits.
 */
export function startGuarded(
  command: string,
  args: readonly string[],
  options: StartGuardedOptions = {},
): ChildProcess {
  const { cwd, env, stdio = ['ignore', 'pipe', 'pipe'], killLeftoversAtExit = true } = options;
  const node = command === process.execPath;
  const child = spawn(
    node ? command : 'sh',
    node ? ['--require', LIFELINE, ...args] : ['-c', WATCH_THEN_EXEC, 'lifeline', command, ...args],
    {
      cwd,
      env: {
        ...(env ?? process.env),
        ...(node ? { GEMLOOP_LIFELINE_FD: '3' } : {}),
      },
      stdio: [...stdio, 'pipe'],
      detached: true,
    },
  );
  const group = child.pid;
  if (group !== undefined) {
    groups.add(group);
    child.once('exit', () => {
      if (!killLeftoversAtExit) return;
      groups.delete(group);
      killGroup(group);
    });
  }
  return child;
}
