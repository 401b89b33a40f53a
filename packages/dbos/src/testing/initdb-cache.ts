import { createHash } from 'node:crypto';
import {
  constants,
  copyFile,
  lchown,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { PostgresBinaries } from './locate-postgres-binaries.ts';
import type { ServerUser } from './reach-postgres-binaries.ts';

/** What a kept cluster's folder holds beside its `data/`: written last, so a half copy has none. */
const MANIFEST = 'manifest.json';
/**
 * The environment `initdb` reads: the locale of the databases it makes, and the time zone it
 * writes into postgresql.conf (`timezone`, `log_timezone`) when `TZ` is unset.
 */
const INITDB_ENVIRONMENT = [
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_COLLATE',
  'LC_CTYPE',
  'LC_MONETARY',
  'LC_NUMERIC',
  'LC_TIME',
  'TZ',
  'PGTZ',
] as const;

/**
 * The default cache of initialised clusters: `gemloop-initdb-<uid>` under the OS temp dir, one per
 * user (a cache is used only by the user who owns it).
 * @internal
 */
export function defaultInitdbCache(): string {
  return join(tmpdir(), `gemloop-initdb-${process.geteuid?.() ?? userInfo().username}`);
}

/**
 * What makes two `initdb` outputs the same: the programs (sha256 of `initdb` and `postgres`,
 * ~40 ms: a copy of the binaries, as `reach-postgres-binaries.ts` makes, shares the key), the
 * arguments but the paths, and the environment it reads, with the system's time zone.
 * @internal
 */
export async function initdbKey(binaries: PostgresBinaries, settings: unknown): Promise<string> {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({
      format: 1,
      settings,
      environment: INITDB_ENVIRONMENT.map((name) => process.env[name] ?? null),
      zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    }),
  );
  for (const file of [binaries.initdb, binaries.postgres]) hash.update(await readFile(file));
  return hash.digest('hex').slice(0, 32);
}

/** Options of {@link initialiseDataDirectory}. @internal */
export type InitialiseDataDirectoryOptions = {
  /** The folder clusters are kept in; `undefined` runs `initialise` and keeps nothing. */
  cache: string | undefined;
  /** From {@link initdbKey}. */
  key: string;
  /** An empty folder the server user owns (mode 0700), filled here. */
  dataDirectory: string;
  /** Who must own the copied files (as root, the postgres user); `undefined`: this user. */
  owner: ServerUser | undefined;
  /** Runs `initdb` on `dataDirectory`. */
  initialise: () => Promise<void>;
  log: (line: string) => void;
};

/**
 * Fills `dataDirectory` with an initialised cluster: a copy of one kept in `cache` under `key`
 * when there is one, else `initialise`'s (`initdb`), then kept there for the next start, before
 * the server has run on it. `initdb` is the costliest part of a start (measured on two cores at
 * load 16-19: 1.2-2.0 s of CPU and 4-11 s of wall, most of it flushing the 39 MB it writes);
 * the copy is ~0.25 s of CPU. The copy is not flushed to disk: the data is a throwaway server's,
 * deleted by `stop()`. Every copy has the same system identifier, which only replication reads.
 *
 * A cache is used only when this user owns its folder and nobody else can enter it (the kept
 * clusters are this user's files, copied as root into the postgres user's data directory), and a
 * kept cluster only when the copy has the entries and bytes its manifest lists (a temp cleaner
 * may remove old files one by one); otherwise it is removed and `initdb` runs. Kept clusters are
 * written beside the cache's entry and renamed into place, so starts at once never read half of
 * one. Failing to keep one is logged, never thrown: the start goes on.
 * @returns whether the cluster was copied or made by `initialise`.
 * @internal
 */
export async function initialiseDataDirectory(
  options: InitialiseDataDirectoryOptions,
): Promise<'copied' | 'initialised'> {
  const cache = options.cache === undefined ? undefined : await ownFolder(options.cache);
  if (options.cache !== undefined && cache === undefined) {
    options.log(`initdb cache ${options.cache} not used: another user's, or open to others`);
  }
  if (cache !== undefined && (await restore(join(cache, options.key), options))) return 'copied';
  await options.initialise();
  if (cache !== undefined) {
    await keep(cache, options).catch((error: unknown) =>
      options.log(
        `initdb cache ${cache} not written: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  }
  return 'initialised';
}

/** `path`, made if missing, when this user owns it and nobody else may enter it. */
async function ownFolder(path: string): Promise<string | undefined> {
  await mkdir(path, { recursive: true, mode: 0o700 }).catch(() => {});
  // stat, not lstat: the test run links the user's cache into its own TMPDIR (as tsx's).
  const found = await stat(path).catch(() => undefined);
  if (found?.isDirectory() !== true) return undefined;
  const uid = process.geteuid?.();
  if (uid !== undefined && (found.uid !== uid || (found.mode & 0o077) !== 0)) return undefined;
  return path;
}

type Tally = { entries: number; bytes: number };

async function restore(entry: string, options: InitialiseDataDirectoryOptions): Promise<boolean> {
  const manifest = await readFile(join(entry, MANIFEST), 'utf8').catch(() => undefined);
  if (manifest === undefined) return false;
  const copied = await copyTree(join(entry, 'data'), options.dataDirectory, options.owner).catch(
    () => undefined,
  );
  if (copied !== undefined && JSON.stringify(copied) === manifest) return true;
  options.log(`initdb cache ${entry} incomplete: removed, initdb runs`);
  await rm(entry, { recursive: true, force: true });
  // Empty again for initdb, keeping the folder (its owner and mode).
  for (const name of await readdir(options.dataDirectory)) {
    await rm(join(options.dataDirectory, name), { recursive: true, force: true });
  }
  return false;
}

/** How old a half-kept cluster is when it counts as left by a start that died (it takes seconds). */
const PARTIAL_LEFT_MS = 60 * 60 * 1000;

async function keep(cache: string, options: InitialiseDataDirectoryOptions): Promise<void> {
  // A start killed while it kept a cluster left its 39 MB half copy here: swept by the next keep.
  for (const name of await readdir(cache)) {
    if (!name.includes('.partial-')) continue;
    const found = await lstat(join(cache, name)).catch(() => undefined);
    if (found !== undefined && Date.now() - found.mtimeMs > PARTIAL_LEFT_MS) {
      await rm(join(cache, name), { recursive: true, force: true });
    }
  }
  const partial = await mkdtemp(join(cache, `${options.key}.partial-`));
  try {
    await mkdir(join(partial, 'data'), { mode: 0o700 });
    const tally = await copyTree(options.dataDirectory, join(partial, 'data'), undefined);
    await writeFile(join(partial, MANIFEST), JSON.stringify(tally), { mode: 0o600 });
    // Fails when another start kept the same cluster first: theirs is used.
    await rename(partial, join(cache, options.key)).catch(() => {});
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/**
 * Copies the files and folders under `from` into the folder `to` with their modes, owned by
 * `owner` when given; counts them. Node's `fs.cp` took ~0.7 s of CPU for a cluster's ~1,000
 * entries here, this ~0.25 s. A link or any other kind of entry is refused: `initdb` makes none.
 */
async function copyTree(from: string, to: string, owner: ServerUser | undefined): Promise<Tally> {
  const tally: Tally = { entries: 0, bytes: 0 };
  const entries = await readdir(from, { withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      const source = join(from, entry.name);
      const target = join(to, entry.name);
      const found = await lstat(source);
      if (found.isDirectory()) {
        await mkdir(target, { mode: found.mode & 0o777 });
        const inner = await copyTree(source, target, owner);
        tally.entries += inner.entries;
        tally.bytes += inner.bytes;
      } else if (found.isFile()) {
        // libuv gives the copy the source's mode.
        await copyFile(source, target, constants.COPYFILE_EXCL);
        tally.bytes += found.size;
      } else {
        throw new Error(`${source} is neither a file nor a folder`);
      }
      if (owner !== undefined) await lchown(target, owner.uid, owner.gid);
      tally.entries += 1;
    }),
  );
  return tally;
}
