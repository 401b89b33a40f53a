import { createHash } from 'node:crypto';
import { chmod, cp, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { EmbeddedPostgresError } from './embedded-postgres-error.ts';
import type { PostgresBinaries } from './locate-postgres-binaries.ts';

/** The user Postgres runs as (root may not run it). @internal */
export type ServerUser = { uid: number; gid: number };

const MARKER = '.gemloop-copy.json';

/**
 * Whether `user` may enter `directory`: search (x) permission on it and on every folder above,
 * by the owner, group or other bits that apply to that user (its primary group only).
 * @internal
 */
export async function canEnter(directory: string, user: ServerUser): Promise<boolean> {
  const { root } = parse(directory);
  for (let folder = directory; ; folder = dirname(folder)) {
    const found = await stat(folder).catch(() => undefined);
    if (found === undefined) return false;
    const bit = found.uid === user.uid ? 0o100 : found.gid === user.gid ? 0o010 : 0o001;
    if ((found.mode & bit) === 0) return false;
    if (folder === root) return true;
  }
}

/**
 * Binaries that `user` can run. As root, `initdb` and `postgres` run as the `postgres` user,
 * which cannot enter a checkout under a folder other users cannot enter (`/root/gemloop`, the
 * usual place when a container runs as root): then the `bin/`, `lib/` and `share/` tree is copied
 * once into a cache under the OS temp dir, `gemloop-embedded-postgres-<sha256 of the programs>`,
 * readable by everyone and writable only by this user, and run from there.
 *
 * The copy is made beside the cache under a unique name and renamed into place once complete, so
 * processes starting at once never see half a copy (the loser of the rename uses the winner's).
 * A cache is used only if this user owns it, nobody else can write it, and its marker names the
 * same programs; otherwise (a folder someone else made, say) a private copy is made for this
 * start and removed by `stop()`.
 * @throws {@link EmbeddedPostgresError} when the copy fails (a full disk), saying so.
 * @internal
 */
export async function reachPostgresBinaries(
  binaries: PostgresBinaries,
  user: ServerUser | undefined,
): Promise<{ binaries: PostgresBinaries; remove?: (() => Promise<void>) | undefined }> {
  if (user === undefined || (await canEnter(join(binaries.directory, 'bin'), user))) {
    return { binaries };
  }
  const reached = await copyWhereReachable(binaries);
  if (!(await canEnter(join(reached.binaries.directory, 'bin'), user))) {
    await reached.remove?.();
    throw new EmbeddedPostgresError({
      message: `The postgres user cannot enter ${binaries.directory}, nor the copy of its binaries under ${tmpdir()} (a folder above it is closed to other users). Set TMPDIR to a folder every user can enter (such as /tmp), move the checkout where other users can enter, or set DATABASE_URL to a Postgres of your own.`,
      output: [],
    });
  }
  return reached;
}

async function copyWhereReachable(
  binaries: PostgresBinaries,
): Promise<{ binaries: PostgresBinaries; remove?: (() => Promise<void>) | undefined }> {
  try {
    const fingerprint = await fingerprintOf(binaries);
    const cache = join(tmpdir(), `gemloop-embedded-postgres-${fingerprint.slice(0, 16)}`);
    if (await isTrustedCopy(cache, fingerprint)) return { binaries: relocate(binaries, cache) };
    const partial = await copyTree(binaries, cache, fingerprint);
    try {
      await rename(partial, cache);
    } catch {
      // Another process renamed its copy first (or a stranger's folder has the name).
      await rm(partial, { recursive: true, force: true });
      if (!(await isTrustedCopy(cache, fingerprint))) {
        const own = await copyTree(binaries, cache, fingerprint);
        return {
          binaries: relocate(binaries, own),
          remove: () => rm(own, { recursive: true, force: true }),
        };
      }
    }
    return { binaries: relocate(binaries, cache) };
  } catch (error) {
    throw new EmbeddedPostgresError({
      message: `The postgres user cannot enter ${binaries.directory} (a folder above it is closed to other users), and copying the Postgres binaries to ${tmpdir()} failed (${error instanceof Error ? error.message : String(error)}). Free space there, move the checkout where other users can enter, or set DATABASE_URL to a Postgres of your own.`,
      output: [],
      cause: error,
    });
  }
}

/** The sha256 of `initdb` and `postgres`: the same programs share one cache. */
async function fingerprintOf(binaries: PostgresBinaries): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [binaries.initdb, binaries.postgres]) hash.update(await readFile(file));
  return hash.digest('hex');
}

async function isTrustedCopy(cache: string, fingerprint: string): Promise<boolean> {
  const found = await stat(cache).catch(() => undefined);
  const uid = process.getuid?.();
  if (found === undefined || !found.isDirectory() || found.uid !== uid) return false;
  if ((found.mode & 0o022) !== 0) return false;
  const marker = await readFile(join(cache, MARKER), 'utf8').catch(() => '');
  return marker === JSON.stringify({ fingerprint });
}

/** A complete copy beside `cache`, with its marker written last; returns its path. */
async function copyTree(
  binaries: PostgresBinaries,
  cache: string,
  fingerprint: string,
): Promise<string> {
  const partial = await mkdtemp(`${cache}.partial-`);
  try {
    // The lib/ folder's symlinks (libpq.so -> libpq.so.5.18) stay relative links.
    for (const part of ['bin', 'lib', 'share']) {
      const from = join(binaries.directory, part);
      if ((await stat(from).catch(() => undefined)) === undefined) continue;
      await cp(from, join(partial, part), { recursive: true, verbatimSymlinks: true });
    }
    await writeFile(join(partial, MARKER), JSON.stringify({ fingerprint }), { mode: 0o644 });
    // mkdtemp made it 0700; the postgres user must enter it.
    await chmod(partial, 0o755);
    return partial;
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

function relocate(binaries: PostgresBinaries, directory: string): PostgresBinaries {
  const from = binaries.directory;
  return {
    directory,
    initdb: join(directory, binaries.initdb.slice(from.length)),
    postgres: join(directory, binaries.postgres.slice(from.length)),
  };
}
