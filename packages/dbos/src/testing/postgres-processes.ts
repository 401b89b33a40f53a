import { type ChildProcess, spawn } from 'node:child_process';
import { EmbeddedPostgresError } from './embedded-postgres-error.ts';
import type { PostgresBinaries } from './locate-postgres-binaries.ts';
import type { ServerUser } from './reach-postgres-binaries.ts';

/** How `initdb` and `postgres` run: as whom, where, and who hears what they print. @internal */
export type PostgresProcessOptions = {
  binaries: PostgresBinaries;
  /** The postgres user, as root; `undefined` runs them as this process's user. */
  user: ServerUser | undefined;
  /** Their working directory: one that user can enter (the data root). */
  cwd: string;
  /** Gets their output, line by line. */
  log: (line: string) => void;
  /** Postgres's last output lines, for errors. */
  output: () => readonly string[];
};

// English messages whatever the machine's locale: readiness is read from the server's output.
const ENVIRONMENT = { ...process.env, LC_MESSAGES: 'C' };
const READY = 'database system is ready to accept connections';
/**
 * What the checkpointer logs as it starts the shutdown checkpoint, once every session has ended
 * (xlog.c `ShutdownXLOG`: "shutting down").
 */
const SHUTDOWN_CHECKPOINT = /LOG:\s+shutting down/;

/** `initdb`'s arguments but the paths: a cluster kept by `initdb-cache.ts` is keyed by them. @internal */
export const INITDB_FLAGS: readonly string[] = ['--auth=password', '--lc-messages=C'];

/**
 * Runs `initdb` on `dataDirectory` (which the server user must own).
 * @throws {@link EmbeddedPostgresError} when it cannot be spawned (with the reason and a fix)
 * or fails (with its output).
 * @internal
 */
export async function runInitdb(
  options: PostgresProcessOptions & {
    dataDirectory: string;
    username: string;
    passwordFile: string;
  },
): Promise<void> {
  const child = spawnPostgresProgram(options, options.binaries.initdb, [
    `--pgdata=${options.dataDirectory}`,
    `--username=${options.username}`,
    `--pwfile=${options.passwordFile}`,
    ...INITDB_FLAGS,
  ]);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (error) => reject(spawnError(options, options.binaries.initdb, error)));
    child.once('close', resolve);
  });
  if (code !== 0) {
    throw new EmbeddedPostgresError({
      message: `initdb failed (exit code ${code}). Its last output:\n${options.output().slice(-20).join('\n')}`,
      output: options.output(),
    });
  }
}

/** A running `postgres` server process. @internal */
export type PostgresServerProcess = {
  /**
   * Stops it and waits until it exited. Safe to call twice. A fast shutdown (SIGINT: sessions are
   * cut) unless `waitForClientsMs` is given: then a smart one first (SIGTERM: no new sessions,
   * open ones end on their own), made fast if any is still open after that many milliseconds.
   * With `discard` (the data directory is deleted next), the shutdown checkpoint is skipped: once
   * the sessions have ended, an immediate shutdown (SIGQUIT).
   */
  stop(options?: {
    waitForClientsMs?: number | undefined;
    discard?: boolean | undefined;
  }): Promise<void>;
};

/**
 * Starts `postgres` on `dataDirectory` and resolves once it accepts connections. While it runs,
 * it is stopped when this process exits or is terminated (SIGTERM, SIGHUP, SIGINT), so no server
 * outlives its test run, and `leftovers` (its temporary folders) are removed once it has exited.
 * @throws {@link EmbeddedPostgresError} when it cannot be spawned or exits before it is ready.
 * @internal
 */
export async function startPostgresServer(
  options: PostgresProcessOptions & {
    dataDirectory: string;
    port: number;
    flags: string[];
    /** Folders to remove after the server exits when this process ends without stopping it. */
    leftovers?: readonly string[] | undefined;
  },
): Promise<PostgresServerProcess> {
  const child = spawnPostgresProgram(options, options.binaries.postgres, [
    '-D',
    options.dataDirectory,
    '-p',
    String(options.port),
    ...options.flags,
  ]);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  track(child, exited, options.leftovers ?? []);
  await new Promise<void>((resolve, reject) => {
    child.once('error', (error) => reject(spawnError(options, options.binaries.postgres, error)));
    // The last chunk's tail too: the line may arrive in two chunks.
    let tail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = tail + chunk.toString('utf8');
      if (text.includes(READY)) resolve();
      tail = text.slice(-READY.length);
    });
    void exited.then(() =>
      reject(
        new EmbeddedPostgresError({
          message: `Postgres exited before it accepted connections on 127.0.0.1:${options.port}. Its last output:\n${options.output().slice(-20).join('\n')}`,
          output: options.output(),
        }),
      ),
    );
  });
  let stopped: Promise<void> | undefined;
  return {
    stop: ({ waitForClientsMs = 0, discard = false } = {}) =>
      (stopped ??= (async () => {
        const running = (): boolean => child.exitCode === null && child.signalCode === null;
        if (!running()) return;
        if (discard) {
          // The checkpoint writes every dirty page and flushes every file written since the
          // last one, for data about to be deleted: with a run's ~110 databases it took 5 s of
          // a quiet `npm test`'s end and 83 s of a loaded one (bench/RESULTS.md). It starts
          // only after the last session ended, so the sessions still end as in a smart or
          // fast shutdown; an immediate one from there stops the server without writing.
          let tail = '';
          child.stderr?.on('data', (chunk: Buffer) => {
            const text = tail + chunk.toString('utf8');
            if (SHUTDOWN_CHECKPOINT.test(text) && running()) child.kill('SIGQUIT');
            tail = text.slice(-40);
          });
        }
        const smart = waitForClientsMs > 0;
        child.kill(smart ? 'SIGTERM' : 'SIGINT');
        // Postgres turns a smart shutdown into a fast one on SIGINT.
        const hurry = smart
          ? setTimeout(() => running() && child.kill('SIGINT'), waitForClientsMs)
          : undefined;
        await exited;
        clearTimeout(hurry);
      })()),
  };
}

function spawnPostgresProgram(
  options: PostgresProcessOptions,
  file: string,
  args: string[],
): ChildProcess {
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: ENVIRONMENT,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.user === undefined ? {} : { uid: options.user.uid, gid: options.user.gid }),
  });
  const forward = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) if (line !== '') options.log(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return child;
}

/** Why a Postgres program could not be spawned, and what to do about it. */
function spawnError(
  options: PostgresProcessOptions,
  file: string,
  error: Error & { code?: string },
): EmbeddedPostgresError {
  const as =
    options.user === undefined ? 'this user' : `the postgres user (uid ${options.user.uid})`;
  const reason =
    error.code === 'EACCES'
      ? `${as} may not run it: a folder above it is closed to other users, or the file is not executable. Move the binaries (or the checkout) where ${as} can enter, pass binariesDirectory, or set DATABASE_URL to a Postgres of your own.`
      : error.code === 'ENOENT'
        ? 'it (or its working directory) is missing. Reinstall embedded-postgres, or set DATABASE_URL to a Postgres of your own.'
        : 'Set DATABASE_URL to a Postgres of your own to use another server.';
  return new EmbeddedPostgresError({
    message: `Could not run ${file} (spawn ${error.code ?? error.message}): ${reason}`,
    output: options.output(),
    cause: error,
  });
}

// why (kept): the servers this process started, which its exit hook must find and stop:
// process-wide by nature.
/** Servers running, stopped on exit, with their leftovers (see {@link startPostgresServer}). */
const running = new Map<ChildProcess, readonly string[]>();
const SIGNALS = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;

function stopAll(): void {
  for (const [child, leftovers] of running) {
    child.kill('SIGINT');
    if (child.pid !== undefined && leftovers.length > 0) removeAfterExit(child.pid, leftovers);
  }
}

/**
 * Removes `paths` once process `pid` has exited, from a detached shell: this process is ending
 * and cannot wait for the server's shutdown, and the data folder of a server still shutting down
 * is not to be pulled from under it. Without this, each test process that exited without
 * `stop()` left its 39 MB data folder in the temporary directory. Best effort: no shell, no
 * cleanup (the server is stopped all the same).
 */
function removeAfterExit(pid: number, paths: readonly string[]): void {
  try {
    spawn(
      '/bin/sh',
      [
        '-c',
        'while kill -0 "$0" 2>/dev/null; do sleep 0.1; done; rm -rf -- "$@"',
        String(pid),
        ...paths,
      ],
      { detached: true, stdio: 'ignore' },
    )
      // No shell here (Windows): nothing to clean, and no unhandled 'error' while this process,
      // kept alive by another signal listener, winds down.
      .on('error', () => {})
      .unref();
  } catch {
    // Nothing more to do while the process exits.
  }
}

function onSignal(signal: NodeJS.Signals): void {
  stopAll();
  // Alone, this listener replaced Node's default (exit); without it the signal does that again.
  // Other listeners (a test runner's) decide for themselves.
  if (process.listenerCount(signal) === 1) {
    removeHooks();
    process.kill(process.pid, signal);
  }
}

function removeHooks(): void {
  process.removeListener('exit', stopAll);
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}

function track(child: ChildProcess, exited: Promise<void>, leftovers: readonly string[]): void {
  if (running.size === 0) {
    process.on('exit', stopAll);
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }
  running.set(child, leftovers);
  void exited.then(() => {
    running.delete(child);
    if (running.size === 0) removeHooks();
  });
}
